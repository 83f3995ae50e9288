"""The request's Wagtail site and its visible posts, for every resolver of the API."""

from django.http import HttpRequest
from wagtail.models import PageQuerySet, Site

from ..models import get_post_model

# visible() reads the view restrictions when called; one read serves the whole request.
CACHE_ATTR = "_cms_blog_site_posts"


def site_posts(request: HttpRequest) -> PageQuerySet:
    """Live, public posts of the request's site; none when no site answers the request's host
    (``visible(None)`` would mean every site's posts)."""
    if not hasattr(request, CACHE_ATTR):
        site = Site.find_for_request(request)
        posts = get_post_model().objects
        setattr(request, CACHE_ATTR, posts.visible(site, request) if site else posts.none())
    return getattr(request, CACHE_ATTR)
