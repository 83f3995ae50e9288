"""A Wagtail site with its own base page model (``WAGTAIL_PAGE_MODEL``) and its own blog pages
built from the blog's mixins, as docs/installation.md's "Custom base page model" shows.

``make test`` runs ``tests/custom_base_page/`` with these settings, after the main suite."""

from tests.settings import *  # noqa: F403 - the test suite's site, with the models swapped

INSTALLED_APPS = ["tests.custom_base_page.host", *INSTALLED_APPS]  # noqa: F405

WAGTAIL_PAGE_MODEL = "host.BasePage"
CMS_BLOG_INDEX_MODEL = "host.Journal"
CMS_BLOG_POST_MODEL = "host.Article"
CMS_BLOG_POST_TAG_MODEL = "host.ArticleTag"
