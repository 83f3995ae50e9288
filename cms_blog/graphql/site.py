"""The request's Wagtail site and its visible posts, for every resolver of the API."""

from django.http import HttpRequest
from wagtail.models import PageQuerySet, Site

from ..models import BlogPostPage, visible_posts

# visible_posts() reads the view restrictions when called; one read serves the whole request.
CACHE_ATTR = "_cms_blog_site_posts"
MAX_ID = 2**63 - 1


def site_posts(request: HttpRequest) -> PageQuerySet:
    """Live, public posts of the request's site; none when no site answers the request's host
    (``visible_posts(None)`` would mean every site's posts)."""
    if not hasattr(request, CACHE_ATTR):
        site = Site.find_for_request(request)
        setattr(request, CACHE_ATTR, visible_posts(site) if site else BlogPostPage.objects.none())
    return getattr(request, CACHE_ATTR)


def parse_id(value: str | int | None) -> int | None:
    """A page or comment id from a GraphQL ``ID``; None, which every resolver answers as "not
    found", unless it is written in ASCII digits and within the 64-bit id columns (SQLite raises
    OverflowError past them; "²" passes ``str.isdigit()`` but not ``int()``)."""
    text = "" if value is None else str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    return int(text) if 0 < int(text) <= MAX_ID else None
