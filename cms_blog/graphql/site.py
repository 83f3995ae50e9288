"""The request's Wagtail site and its visible posts, for every resolver of the API."""

from django.http import HttpRequest
from wagtail.models import PageQuerySet, Site

from ..models import BlogPostPage, visible_posts

# visible_posts() reads the view restrictions when called; one read serves the whole request.
CACHE_ATTR = "_cms_blog_site_posts"


def site_posts(request: HttpRequest) -> PageQuerySet:
    """Live, public posts of the request's site; none when no site answers the request's host
    (``visible_posts(None)`` would mean every site's posts)."""
    if not hasattr(request, CACHE_ATTR):
        site = Site.find_for_request(request)
        setattr(request, CACHE_ATTR, visible_posts(site) if site else BlogPostPage.objects.none())
    return getattr(request, CACHE_ATTR)
