import datetime
from functools import lru_cache

from django import template
from django.utils.formats import date_format, get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import Page
from wagtail.rich_text import RichText

from .. import base_url
from ..citations import link_citations

register = template.Library()


@register.inclusion_tag("cms_blog/includes/citation.html", takes_context=True)
def cite(context: template.Context, number: int | None) -> dict:
    """Render "(N)" linking to the post's source N, with its citation as a tooltip."""
    page = context.get("page")
    sources = getattr(page, "numbered_sources", {})
    return {"number": number, "source": sources.get(number) if number else None}


@register.simple_tag(takes_context=True)
def text_html(context: template.Context, value: RichText) -> SafeString:
    """A text block's HTML, with every "(N)" linked to the page's source N.

    The post page renders the rich text of all its text blocks at once (``rich_text_html`` in its
    context: one batch of link lookups, links to pages the public cannot see left as plain text);
    elsewhere, e.g. in the block picker's preview, Wagtail renders the block alone."""
    html = context.get("rich_text_html", {}).get(value.source)
    if html is None:
        html = str(value)
    sources = getattr(context.get("page"), "numbered_sources", None)
    return link_citations(html, set(sources)) if sources else mark_safe(html)


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, url: str) -> str:
    """``url`` made absolute on the Wagtail Site's root URL, never the request's Host header
    (already absolute URLs, e.g. of images in cloud storage, stay as they are)."""
    return base_url.absolute_url(url, context.get("request"))


@register.simple_tag(takes_context=True)
def frontend_url(context: template.Context, page: Page) -> str:
    """The page's absolute URL as GraphQL's ``Post.url`` and the feed give it: on
    ``FRONTEND_BASE_URL`` when set, else on the page's Wagtail Site."""
    return base_url.page_path_and_url(page, context.get("request"))[1]


# A page of comments shows two dates per comment, and Django's ``date`` filter costs more than the
# rest of a comment's template (``make benchmark``, "post page"): the comment template uses these.


@register.filter(expects_localtime=True)
def isoformat(value: datetime.datetime | None) -> str:
    """``value`` (in the current time zone) in ISO 8601 to the second, for ``<time datetime>``."""
    return value.isoformat(timespec="seconds") if value else ""


@register.filter(expects_localtime=True)
def memo_date(value: datetime.datetime | None, format_name: str = "DATETIME_FORMAT") -> str:
    """Django's ``date`` filter, its result remembered per value, time zone, format and
    language: the same comments are shown again and again."""
    if not value:
        return ""
    return _formatted(value, str(value.tzinfo), get_format(format_name), get_language())


@lru_cache(maxsize=4096)
def _formatted(value: datetime.datetime, _zone: str, format: str, _language: str) -> str:
    # The zone is part of the key: datetimes of the same instant are equal whatever their zone.
    return date_format(value, format)
