"""The one rule of what the public may read, shared by the blog's lists, pages, feed, GraphQL and
rich-text links: live pages with no view restriction (on them or an ancestor) that have not
expired. Wagtail unpublishes expired pages only when ``publish_scheduled`` runs; until then this
rule already treats them as gone."""

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, PageQuerySet


def not_expired() -> Q:
    return Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now())


def publicly_readable(pages: PageQuerySet) -> PageQuerySet:
    return pages.live().public().filter(not_expired())


def has_expired(page: Page) -> bool:
    return page.expire_at is not None and page.expire_at <= timezone.now()
