"""Headless preview: signed, expiring tokens that let a frontend fetch a post's latest draft.

When ``CMS_BLOG["PREVIEW_URL"]`` is set, the Wagtail admin's preview of a ``BlogPostPage`` hands the
editor to ``PREVIEW_URL?token=…&id=…``; the frontend then asks ``post(id: …, token: …)``. A token is
a ``django.core.signing`` signature bound to one page id and expiring after
``PREVIEW_TOKEN_MAX_AGE`` seconds, so no table and no session is involved.
"""

from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .conf import blog_settings

SALT = "cms_blog.graphql.preview"
# Set on the request by the resolver, read by the view to forbid caching the draft.
PREVIEW_FLAG = "_cms_blog_preview"


def make_preview_token(page_id: int) -> str:
    """A token that opens the latest draft of page ``page_id`` for ``PREVIEW_TOKEN_MAX_AGE``."""
    return signing.dumps({"page": page_id}, salt=SALT)


def read_preview_token(token: str) -> int | None:
    """The page id a valid token was issued for; None for a forged, damaged or expired one."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=blog_settings.PREVIEW_TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    page_id = payload.get("page") if isinstance(payload, dict) else None
    return page_id if isinstance(page_id, int) else None


def preview_url(page_id: int) -> str:
    """Where the admin preview sends the editor: the frontend's preview route with a token."""
    query = urlencode({"token": make_preview_token(page_id), "id": page_id})
    separator = "&" if "?" in blog_settings.PREVIEW_URL else "?"
    return f"{blog_settings.PREVIEW_URL}{separator}{query}"


def mark_preview(request: HttpRequest) -> None:
    setattr(request, PREVIEW_FLAG, True)


def is_preview(request: HttpRequest) -> bool:
    return getattr(request, PREVIEW_FLAG, False)


class HeadlessPreviewMixin:
    """Page mixin: with ``PREVIEW_URL`` set, the admin preview opens the headless frontend.

    The frontend shows the latest saved draft (the token carries only the page id), so a page
    that was never saved has nothing to show yet and keeps Wagtail's own template preview."""

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        if blog_settings.PREVIEW_URL and self.pk:
            return HttpResponseRedirect(preview_url(self.pk))
        return super().serve_preview(request, mode_name)
