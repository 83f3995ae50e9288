from . import pages, swappable
from .comments import Comment
from .pages import BlogIndexPageMixin, BlogPostPageMixin, BlogPostQuerySet, BlogPostSource
from .persisted_queries import PersistedQuery
from .swappable import get_index_model, get_post_model
from .webhooks import WebhookDelivery, WebhookEndpoint
from .wordpress import WordPressImportRecord

__all__ = [
    "BlogIndexPage",
    "BlogIndexPageMixin",
    "BlogPostPage",
    "BlogPostPageMixin",
    "BlogPostQuerySet",
    "BlogPostSource",
    "BlogPostTag",
    "Comment",
    "PersistedQuery",
    "WebhookDelivery",
    "WebhookEndpoint",
    "get_index_model",
    "get_post_model",
    "WordPressImportRecord",
]


def __getattr__(name: str) -> type:
    """The default page and tag models, which exist only where the settings do not name others
    (``swappable.py``)."""
    if name not in swappable.DEFAULT_CLASSES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        return getattr(pages, name)
    except AttributeError:
        setting = swappable.DEFAULT_CLASSES[name]
        raise AttributeError(
            f"cms_blog.models.{name} is not installed: {swappable.setting_name(setting)} names "
            f"{swappable.model_name(setting)}. Use get_index_model() / get_post_model()."
        ) from None
