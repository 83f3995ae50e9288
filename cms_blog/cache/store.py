"""A tag-aware view of Django's cache: entries that stop being served as soon as anything they
depend on changes.

Each tag has an invalidation time in the cache (``invalidate_tags``: one ``set_many``, whatever
the number of entries; no key is ever scanned or deleted). An entry records its tags and when the
work that produced it *began*; it is served while none of its tags was invalidated since. So an
answer computed from rows read just before a change committed is never kept past it. The time of
the latest invalidation of any tag is kept too: while nothing changed since an entry's work
began, a read fetches the entry and that time in one round trip, and no tag's mark.

Entries are stored under ``cache_version()``, a digest of the ``CMS_BLOG`` settings and the
package version: a settings change that alters output (page sizes, image filters, moderation…)
makes every reader start afresh. The cache is ``CACHE_ALIAS`` (Redis in production: the
local-memory cache is per process, so an invalidation would reach one process only).

A GraphQL response cache, for one, reads with::

    responses = TaggedCache("graphql")
    started = now()
    answer = responses.get(key)
    if answer is None:
        answer, tags = execute(...)
        responses.set(key, answer, tags, started_at=started, timeout=600)
"""

import functools
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.signals import setting_changed
from django.dispatch import receiver

from .. import __version__
from ..conf import blog_settings, user_settings
from .tags import ALL

logger = logging.getLogger(__name__)

PREFIX = "cms_blog:cache"
# Allowance for the clocks of several servers: an entry whose work began this close after an
# invalidation is treated as older than it, and computed again.
CLOCK_MARGIN = 0.1
_MISSING = object()


def now() -> float:
    """The clock entries and invalidations are compared on (seconds, as ``time.time()``)."""
    return time.time()


@functools.cache
def cache_version() -> str:
    """A digest of the ``CMS_BLOG`` settings and the package version: it changes whenever either
    does, and with it every key of the tagged cache. Computed once per settings change."""
    settings = json.dumps(user_settings(), sort_keys=True, default=repr)
    return hashlib.sha256(f"{__version__}:{settings}".encode()).hexdigest()[:16]


@receiver(setting_changed)
def _forget_cache_version(*, setting: str, **kwargs: Any) -> None:
    if setting == "CMS_BLOG":
        cache_version.cache_clear()


def backend() -> BaseCache:
    return caches[blog_settings.CACHE_ALIAS]


def _tag_key(tag: str) -> str:
    return f"{PREFIX}:tag:{tag}"


# The time of the latest invalidation of any tag: an entry whose work began after it is fresh
# without reading its tags' marks, so a hit reads one cache key with its entry (one round trip).
_LATEST_KEY = f"{PREFIX}:latest"


def invalidate_tags(tags: Iterable[str]) -> None:
    """Mark ``tags`` as changed now: every entry depending on one of them is stale from here on.
    The marks never expire, so an entry can never outlive the record of its invalidation."""
    tags = set(tags)
    if tags:
        stamp = now()
        marks = {_tag_key(tag): stamp for tag in tags}
        backend().set_many({**marks, _LATEST_KEY: stamp}, timeout=None)


class TaggedCache:
    """Entries of one ``namespace`` of the tagged cache. A cache that cannot be reached (Redis
    down) reads as a miss and stores nothing: answers are computed, never refused."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def _key(self, key: str) -> str:
        return f"{PREFIX}:{self.namespace}:{cache_version()}:{key}"

    def get(self, key: str, default: Any = None) -> Any:
        """The entry's value while none of its tags changed since its work began, else
        ``default``."""
        key = self._key(key)
        try:
            found = backend().get_many([key, _LATEST_KEY])
            entry = found.get(key)
            if entry is None:
                return default
            started_at, tags, value = entry
            fresh_before = started_at - CLOCK_MARGIN
            latest = found.get(_LATEST_KEY)
            if latest is not None and latest < fresh_before:
                return value  # nothing was invalidated since its work began
            marks = backend().get_many([_tag_key(tag) for tag in tags])
        except Exception:
            logger.exception("cms_blog: the tagged cache could not be read")
            return default
        # A mark missing (evicted) leaves the entry's history unknown: it is not served.
        if len(marks) < len(tags) or any(mark >= fresh_before for mark in marks.values()):
            return default
        return value

    def set(
        self, key: str, value: Any, tags: Iterable[str], *, started_at: float, timeout: int | None
    ) -> None:
        """Store ``value``, computed by work that began at ``started_at`` (read ``now()`` before
        reading anything it shows) and depending on ``tags``; every entry depends on ``cms_blog``
        too. ``timeout`` in seconds, None for no expiry."""
        tags = sorted({ALL, *tags})
        try:
            cache = backend()
            # Tags never invalidated get a mark just before this entry's work began (``add``:
            # a mark set meanwhile by an invalidation wins).
            keys = [_tag_key(tag) for tag in tags] + [_LATEST_KEY]
            marked = cache.get_many(keys)
            for mark_key in keys:
                if mark_key not in marked:
                    cache.add(mark_key, started_at - CLOCK_MARGIN - 0.001, timeout=None)
            cache.set(self._key(key), (started_at, tags, value), timeout=timeout)
        except Exception:
            logger.exception("cms_blog: the tagged cache could not be written")

    def get_or_compute(
        self, key: str, compute: Callable[[], tuple[Any, Iterable[str], int | None]]
    ) -> Any:
        """The cached value, or ``compute()``'s ``(value, tags, timeout)``, stored."""
        started_at = now()
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value, tags, timeout = compute()
            self.set(key, value, tags, started_at=started_at, timeout=timeout)
        return value
