"""HTTP caching of the blog's HTML pages (its indexes, their feeds, and its posts).

An answer is shared - ``Cache-Control: public, max-age=CACHE_MAX_AGE, s-maxage=CACHE_S_MAXAGE``,
an ``ETag`` (a ``304`` to a matching ``If-None-Match``), ``Vary: Cookie``, and its cache tags in
the ``CACHE_TAG_HEADER`` - when all of these hold:

- a GET or HEAD from a reader who is not logged in and sends no cookie;
- the page rendered with status 200 and sets no cookie: no session written, no CSRF token handed
  out (the comment form carries one for logged-in users only: ``cms_blog/comments/views.py``
  says why), nothing of the reader's own shown (``Discussion.is_personal`` made it private).

Every other answer is ``private``, and previews are ``private, no-store``: a shared cache never
keeps one reader's page for another.

No answer outlives the next scheduled expiry of a live post or index: the blog hides an expired
post at once, while Wagtail only unpublishes it (and so purges it) when ``publish_scheduled``
runs. ``max-age`` and ``s-maxage`` are capped to the seconds left until then.
"""

import math
from collections.abc import Iterable, Sequence

import swapper
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from ..conf import blog_settings
from .invalidation import purge_if_settings_changed
from .store import TaggedCache
from .tags import POSTS, header_separator, header_value

_expiries = TaggedCache("expiry")


class CachedForReaders:
    """Page mixin: ``serve()`` answers with the caching headers above. The page names what its
    answer shows with ``cache_tags(context)`` (``context``: the template context, empty for a
    route that renders no template)."""

    def cache_tags(self, context: dict) -> set[str]:
        raise NotImplementedError

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        if getattr(response, "is_rendered", True):
            return cache_for_readers(request, response, self)
        # Decided once rendered: only then is it known whether the page handed out a token.
        response.add_post_render_callback(
            lambda rendered: cache_for_readers(request, rendered, self)
        )
        return response

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        # Wagtail renders previews without serve(), and marks them private only.
        response = super().serve_preview(request, mode_name)
        patch_cache_control(response, private=True, no_store=True)
        return response


def cache_for_readers(
    request: HttpRequest, response: HttpResponse, page: CachedForReaders
) -> HttpResponse:
    """``response`` with its caching headers; a 304 instead when the reader has it already."""
    if not is_shareable(request, response):
        patch_cache_control(response, private=True)
        return response
    return share(
        request,
        response,
        page.cache_tags(getattr(response, "context_data", None) or {}),
        max_age=blog_settings.CACHE_MAX_AGE,
        s_maxage=blog_settings.CACHE_S_MAXAGE,
        lifetime=shared_lifetime(),
    )


def shared_lifetime() -> int | None:
    """Seconds an answer made now may be shared (None: no limit): until the next expiry. Purges
    every answer first when the settings changed, which would otherwise make the expiry's own
    cache entry, read next, look older than it."""
    purge_if_settings_changed()
    return seconds_until_next_expiry()


def share(
    request: HttpRequest,
    response: HttpResponse,
    tags: Iterable[str],
    *,
    max_age: int,
    s_maxage: int,
    lifetime: int | None,
    vary: Sequence[str] = ("Cookie",),
    etag: str | None = None,
) -> HttpResponse:
    """A shareable ``response`` made public for ``max_age`` / ``s_maxage`` seconds (capped to
    its ``lifetime``, from ``shared_lifetime()``), with ``vary``, its ``tags`` in the tag header
    and an ``ETag`` (``etag``, when known already); a 304 instead when the reader has it already.
    The GraphQL endpoint shares its answers with it."""
    patch_cache_control(
        response,
        public=True,
        max_age=_capped(max_age, lifetime),
        s_maxage=_capped(s_maxage, lifetime),
    )
    patch_vary_headers(response, vary)
    header = blog_settings.CACHE_TAG_HEADER
    response[header] = header_value(
        tags,
        max_bytes=blog_settings.CACHE_TAG_HEADER_MAX_BYTES,
        separator=header_separator(header),
    )
    if etag:
        response["ETag"] = etag
    else:
        set_response_etag(response)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


def is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether a shared cache may give ``response`` to every reader making ``request``."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    cache_control = response.get("Cache-Control", "")
    return (
        request.method in ("GET", "HEAD")
        and not request.COOKIES
        and not (user is not None and user.is_authenticated)
        and response.status_code == 200
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not response.cookies
        # A CSRF token was used: CsrfViewMiddleware is about to set the reader's own cookie.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
    )


def seconds_until_next_expiry() -> int | None:
    """Seconds until the next live post or index expires; None when none is scheduled to."""

    def compute() -> tuple[tuple[float | None], set[str], int | None]:
        from ..models import get_index_model, get_post_model

        now = timezone.now()
        # The base page model in use (a site may swap Wagtail's for its own).
        pages = swapper.load_model("wagtailcore", "Page").objects
        nearest = (
            pages.live()
            .type(get_post_model(), get_index_model())
            .filter(expire_at__gt=now)
            .aggregate(nearest=Min("expire_at"))["nearest"]
        )
        if nearest is None:
            return (None,), {POSTS}, None
        return (nearest.timestamp(),), {POSTS}, math.ceil((nearest - now).total_seconds())

    (at,) = _expiries.get_or_compute("next", compute)
    if at is None:
        return None
    return max(0, math.floor(at - timezone.now().timestamp()))


def _capped(seconds: int, lifetime: int | None) -> int:
    return seconds if lifetime is None else min(seconds, lifetime)
