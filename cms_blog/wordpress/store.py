"""Everything the WordPress importer takes from the blog itself, in one module: the page models,
the text block's features, the settings it reads and how imported comments are stored (through
the comment service's ``import_comments``, which keeps their status, dates and threads).
"""

from collections.abc import Iterable

from wagtail.models import Page

from ..comments.service import ImportedComment, import_comments
from ..conf import blog_settings
from ..models import Comment, get_index_model, get_post_model
from ..models.comments import purge_discussion_pages

# Imported comments are stored by the comment service, as every comment is.
__all__ = ["ImportedComment", "import_comments"]

# WordPress's comment_approved → the blog's comment status.
STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    # Comments of a post in WordPress's trash.
    "post-trashed": Comment.Status.TRASH,
}


def post_model() -> type[Page]:
    return get_post_model()


def index_model() -> type[Page]:
    return get_index_model()


def find_index(value: str) -> Page | None:
    """The blog index named by its page id or by its URL path (``/blog/``)."""
    value = value.strip()
    indexes = index_model().objects.all()
    if value.isdigit():
        return indexes.filter(pk=int(value)).first()
    path = "/" + value.strip("/") + "/" if value.strip("/") else "/"
    for index in indexes:
        url_parts = index.get_url_parts()
        if path in (index.url_path, url_parts[2] if url_parts else None):
            return index
    return None


def text_features() -> list[str]:
    """The rich-text features of the body's text block, which imported text must keep to."""
    return list(get_post_model().body.field.stream_block.child_blocks["text"].features)


def store_ip() -> bool:
    """Whether commenters' IP addresses are kept (the blog's one setting for it)."""
    return bool(blog_settings.COMMENTS_STORE_IP)


def comment_status(approved: str) -> str | None:
    """The status of an imported comment, or None for a state WordPress plugins invented."""
    return STATUSES.get(approved.strip().lower())


def update_comments(post_id: int, comments: Iterable[tuple[int, ImportedComment]]) -> None:
    """Write what changed in WordPress onto comments imported before (their place in the thread
    stays: moving a comment would move its replies)."""
    for pk, comment in comments:
        Comment.objects.filter(pk=pk).update(**comment.fields())
    purge_discussion_pages([post_id])


def existing_comment_ids(pks: Iterable[int]) -> set[int]:
    return set(Comment.objects.filter(pk__in=list(pks)).values_list("pk", flat=True))
