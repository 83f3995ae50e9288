"""Invalidating cache tags everywhere the blog's answers are cached.

``invalidate_now(tags)`` marks the tags in Django's cache at once (``store.py``: a local call, or
one round trip to Redis) and queues the CDN purge as a task (django-tasks, the framework Wagtail's
own frontend-cache purges use): with a worker backend it runs off the request path; with Django's
immediate backend it runs right away, each request bounded by ``CDN_PURGE_TIMEOUT``. Neither
ever raises: a cache or CDN that is down is logged, and its answers age out.

It is called once a change has committed: ``cms_blog/changes.py`` decides which tags a change
touches, and ``cms_blog.changes.invalidate(tags)`` is the after-commit entry point for other code.
"""

import logging
from collections.abc import Iterable

from django_tasks import task

from ..conf import blog_settings
from . import store
from .purgers import get_purger
from .tags import ALL, with_fallbacks

logger = logging.getLogger(__name__)

_VERSION_KEY = f"{store.PREFIX}:version"
# The settings version this process has checked against the cache's record of it.
_checked_version: str | None = None


def invalidate_now(tags: Iterable[str]) -> None:
    """Invalidate ``tags`` (and the ``skipped:`` fallback tags of their kinds) in Django's cache,
    and queue their purge from the CDN when ``CDN_PURGER`` is set."""
    tags = with_fallbacks(tags)
    if not tags:
        return
    try:
        store.invalidate_tags(tags)
    except Exception:
        logger.exception("cms_blog: cache tags could not be invalidated: %s", sorted(tags))
    if blog_settings.CDN_PURGER:
        try:
            purge_tags.enqueue(sorted(tags))
        except Exception:
            logger.exception("cms_blog: the CDN purge could not be queued: %s", sorted(tags))


@task()
def purge_tags(tags: list[str]) -> None:
    """Purge ``tags`` from the CDN through the configured purger."""
    purger = get_purger()
    if purger is None:
        return
    try:
        purger.purge(tags)
    except Exception:
        logger.exception("cms_blog: the CDN purge failed: %s", tags)


def purge_if_settings_changed() -> None:
    """Purge every answer of the blog once, when this process is the first to serve with a
    ``CMS_BLOG`` that changed (by ``cache_version()``) since the cache last recorded it: a CDN
    keeps answers rendered with the old settings otherwise. Checks the cache once per process and
    settings version."""
    global _checked_version
    version = store.cache_version()
    if version == _checked_version:
        return
    _checked_version = version
    try:
        recorded = store.backend().get(_VERSION_KEY)
        if recorded == version:
            return
        store.backend().set(_VERSION_KEY, version, timeout=None)
    except Exception:
        logger.exception("cms_blog: the settings version could not be checked")
        return
    invalidate_now({ALL})
