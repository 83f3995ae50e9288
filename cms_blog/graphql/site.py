"""The request's Wagtail site and its visible posts, for every resolver of the API."""

from django.http import HttpRequest
from wagtail.models import PageQuerySet, Site

from ..cache.store import TaggedCache
from ..cache.tags import ALL
from ..models import get_post_model

# visible() reads the view restrictions when called; one read serves the whole request.
CACHE_ATTR = "_cms_blog_site_posts"
# Where Site.find_for_request looks first (its docstring says so), and keeps what it found.
WAGTAIL_SITE_ATTR = "_wagtail_site"

_sites = TaggedCache("site")


def request_site(request: HttpRequest) -> Site | None:
    """The Wagtail Site answering the request's host and port, from the tagged cache (a Site
    saved or deleted invalidates ``cms_blog``: ``cms_blog/changes.py``) rather than a query on
    every answer, and kept where Wagtail looks first, so every ``Site.find_for_request`` of the
    request after this one reads it from there."""
    if not hasattr(request, WAGTAIL_SITE_ATTR):
        site = _sites.get_or_compute(
            f"{request.get_host()}|{request.get_port()}",
            lambda: (Site.find_for_request(request), {ALL}, None),
        )
        setattr(request, WAGTAIL_SITE_ATTR, site)
    return getattr(request, WAGTAIL_SITE_ATTR)


def site_posts(request: HttpRequest) -> PageQuerySet:
    """Live, public posts of the request's site; none when no site answers the request's host
    (``visible(None)`` would mean every site's posts)."""
    if not hasattr(request, CACHE_ATTR):
        site = request_site(request)
        posts = get_post_model().objects
        setattr(request, CACHE_ATTR, posts.visible(site, request) if site else posts.none())
    return getattr(request, CACHE_ATTR)
