"""The one rule of what the public may read, shared by the blog's lists, pages, feed, GraphQL and
rich-text links: live pages with no view restriction (on them or an ancestor) that have not
expired. Wagtail unpublishes expired pages only when ``publish_scheduled`` runs; until then this
rule already treats them as gone."""

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Page, PageQuerySet


def not_expired() -> Q:
    return Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now())


# Where a request keeps the Q of its private sections.
PRIVATE_ATTR = "_cms_blog_private_sections"


def private_sections(pages: PageQuerySet, request: HttpRequest | None = None) -> Q:
    """The pages under a view restriction (on them or an ancestor), as Wagtail's ``public()``
    excludes them: a condition on the tree path, good for any page model. Wagtail reads the
    restrictions each time; given the request, they are read once for all its lists (a GraphQL
    answer filters posts, then the pages their text links to)."""
    if request is not None and hasattr(request, PRIVATE_ATTR):
        return getattr(request, PRIVATE_ATTR)
    private = pages.private_q()
    if request is not None:
        setattr(request, PRIVATE_ATTR, private)
    return private


def publicly_readable(pages: PageQuerySet, request: HttpRequest | None = None) -> PageQuerySet:
    return pages.live().exclude(private_sections(pages, request)).filter(not_expired())


def has_expired(page: Page) -> bool:
    return page.expire_at is not None and page.expire_at <= timezone.now()
