"""What the comment form remembers in the reader's own browser, in signed HttpOnly cookies.

- the ids of the comments this browser wrote that wait for moderation, so that their author (and
  nobody else) sees them marked "awaiting moderation";
- the reader's name, email and website, when they tick WordPress's "Save my name, email, and
  website in this browser for the next time I comment." box.

A page that reads either cookie is meant for that browser alone: the post page keeps shared
caches from storing it (``is_personal``).
"""

import json

from django.http import HttpRequest, HttpResponse

from ..ids import parse_id

PENDING_COOKIE = "cms_blog_pending_comments"
PENDING_COOKIE_SALT = "cms_blog.pending-comments"
PENDING_COOKIE_AGE = 7 * 24 * 3600
# Enough for a lively discussion; keeps the cookie small.
PENDING_COOKIE_MAX_IDS = 20

COMMENTER_COOKIE = "cms_blog_commenter"
COMMENTER_COOKIE_SALT = "cms_blog.commenter"
# WordPress keeps its comment author cookies for 30,000,000 seconds (347 days).
COMMENTER_COOKIE_AGE = 30_000_000
COMMENTER_FIELDS = ("author_name", "author_email", "author_url")


def _set(request: HttpRequest, response: HttpResponse, name: str, value: str, **options) -> None:
    response.set_signed_cookie(
        name, value, httponly=True, samesite="Lax", secure=request.is_secure(), **options
    )


def pending_comment_ids(request: HttpRequest) -> list[int]:
    """The ids of the comments this browser submitted that were held for moderation."""
    value = request.get_signed_cookie(
        PENDING_COOKIE, default="", salt=PENDING_COOKIE_SALT, max_age=PENDING_COOKIE_AGE
    )
    return [pk for pk in map(parse_id, value.split(",")) if pk is not None]


def remember_pending(request: HttpRequest, response: HttpResponse, comment_id: int) -> None:
    ids = [*pending_comment_ids(request), comment_id][-PENDING_COOKIE_MAX_IDS:]
    _set(
        request,
        response,
        PENDING_COOKIE,
        ",".join(map(str, ids)),
        salt=PENDING_COOKIE_SALT,
        max_age=PENDING_COOKIE_AGE,
    )


def remembered_commenter(request: HttpRequest) -> dict[str, str]:
    """The name, email and website this browser asked to be remembered; empty if none (or if
    the cookie was tampered with)."""
    value = request.get_signed_cookie(
        COMMENTER_COOKIE, default="", salt=COMMENTER_COOKIE_SALT, max_age=COMMENTER_COOKIE_AGE
    )
    try:
        saved = json.loads(value) if value else {}
    except ValueError:
        return {}
    if not isinstance(saved, dict):
        return {}
    return {field: saved[field] for field in COMMENTER_FIELDS if isinstance(saved.get(field), str)}


def remember_commenter(
    request: HttpRequest, response: HttpResponse, details: dict[str, str] | None
) -> None:
    """Save the reader's details for next time, or forget them when ``details`` is None."""
    if details is None:
        response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
        return
    value = json.dumps({field: details.get(field, "") for field in COMMENTER_FIELDS})
    _set(
        request,
        response,
        COMMENTER_COOKIE,
        value,
        salt=COMMENTER_COOKIE_SALT,
        max_age=COMMENTER_COOKIE_AGE,
    )


def is_personal(request: HttpRequest) -> bool:
    """Whether the request carries either cookie: a page rendered from it is this browser's."""
    return bool({PENDING_COOKIE, COMMENTER_COOKIE} & request.COOKIES.keys())
