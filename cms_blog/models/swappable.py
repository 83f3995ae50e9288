"""Which page models the blog uses: its own by default, or a site's, named in Django settings.

A site with its own base page model (``WAGTAIL_PAGE_MODEL``) builds its post and index pages from
``BlogPostPageMixin`` and ``BlogIndexPageMixin`` and names them in ``CMS_BLOG_POST_MODEL``,
``CMS_BLOG_INDEX_MODEL`` and ``CMS_BLOG_POST_TAG_MODEL`` (docs/installation.md). The defaults are
swappable like Django's ``auth.User``, so a site that names its own gets no unused tables.

Swapper derives a setting's name from an app label and a model name (``CMS_BLOG_POST_MODEL`` for
``("cms_blog", "Post")``) and assumes the default model carries that name; ours are named
``BlogPostPage``…, so the defaults are put into the settings here, before swapper reads them.
"""

import swapper
from django.conf import settings
from django.db import models

# swapper's model name -> the blog's default model.
DEFAULT_MODELS = {
    "Index": "cms_blog.BlogIndexPage",
    "Post": "cms_blog.BlogPostPage",
    "Post_Tag": "cms_blog.BlogPostTag",
}
for _name, _default in DEFAULT_MODELS.items():
    _setting = f"CMS_BLOG_{_name.upper()}_MODEL"
    if not hasattr(settings, _setting):
        setattr(settings, _setting, _default)


def setting_name(name: str) -> str:
    """``CMS_BLOG_POST_MODEL`` for ``"Post"``: the Django setting that names the model in use."""
    return swapper.swappable_setting("cms_blog", name)


def model_name(name: str) -> str:
    """The ``app_label.Model`` in use for ``"Index"``, ``"Post"`` or ``"Post_Tag"``."""
    return getattr(settings, setting_name(name))


def is_default(name: str) -> bool:
    """Whether the settings leave the blog's own model in use for ``name``."""
    return model_name(name).lower() == DEFAULT_MODELS[name].lower()


# The default classes of cms_blog.models, by their swapper names.
DEFAULT_CLASSES = {model.split(".")[1]: name for name, model in DEFAULT_MODELS.items()}


def get_index_model() -> type[models.Model]:
    """The blog index page model in use (``CMS_BLOG_INDEX_MODEL``)."""
    return swapper.load_model("cms_blog", "Index")


def get_post_model() -> type[models.Model]:
    """The blog post page model in use (``CMS_BLOG_POST_MODEL``)."""
    return swapper.load_model("cms_blog", "Post")


# Read once, when the models are defined: the settings name the models for the whole process.
INDEX_SETTING = setting_name("Index")
POST_SETTING = setting_name("Post")
POST_TAG_SETTING = setting_name("Post_Tag")
INDEX = model_name("Index")
POST = model_name("Post")
POST_TAG = model_name("Post_Tag")
