"""Rich text to final HTML for many blocks at once, with links to hidden pages dropped.

Wagtail's ``expand_db_html`` resolves the links of one string per call (a query per call); a post
or a list of posts has many text blocks, so all of them are rewritten in one pass of the same
rewriter classes, with the page and document rules replaced by ones that see only what the public
may. The post page and GraphQL both render rich text through here."""

import re
from collections.abc import Callable

import swapper
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.models import Page
from wagtail.rich_text import features
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from .base_url import absolute_url, page_path_and_url
from .ids import parse_id
from .visibility import publicly_readable

# Draftail never writes HTML comments, so this cannot occur inside a block's own HTML.
SEPARATOR = "<!--cms-blog-block-->"
# A link the rules could not resolve is rewritten to a bare <a>; its text stays, as plain text.
DEAD_LINK = re.compile(r"<a>(.*?)</a>", re.DOTALL)


def linked_ids(attrs_list: list[dict]) -> list[int]:
    # A hand-edited id that is not a number links to nothing (and must not reach the query).
    return [pk for attrs in attrs_list if (pk := parse_id(attrs.get("id"))) is not None]


def link_tags(attrs_list: list[dict], targets: dict[int, Model], url: Callable) -> list[str]:
    """The opening tag of each link: to its target's URL, or a bare <a> (then dropped) when the
    target is missing or hidden."""
    found = (targets.get(parse_id(attrs.get("id"))) for attrs in attrs_list)
    return [f'<a href="{escape(url(target))}">' if target else "<a>" for target in found]


def rewriter(
    page_url: Callable[[Page], str],
    document_url: Callable[[AbstractDocument], str],
    request: HttpRequest,
) -> MultiRuleRewriter:
    def page_links(attrs_list: list[dict]) -> list[str]:
        # The base page model in use: a site's own (WAGTAIL_PAGE_MODEL) takes Page's place.
        base = swapper.load_model("wagtailcore", "Page")
        readable = publicly_readable(base.objects.all(), request)
        pages = readable.in_bulk(linked_ids(attrs_list))
        return link_tags(attrs_list, pages, page_url)

    def document_links(attrs_list: list[dict]) -> list[str]:
        documents = get_document_model().objects.in_bulk(linked_ids(attrs_list))
        return link_tags(attrs_list, documents, document_url)

    link_rules = {
        linktype: handler.expand_db_attributes_many
        for linktype, handler in features.get_link_types().items()
    }
    embed_rules = {
        embedtype: handler.expand_db_attributes_many
        for embedtype, handler in features.get_embed_types().items()
    }
    return MultiRuleRewriter(
        [
            LinkRewriter(bulk_rules={**link_rules, "page": page_links, "document": document_links}),
            EmbedRewriter(bulk_rules=embed_rules),
        ]
    )


def render_rich_texts(
    sources: list[str],
    request: HttpRequest,
    *,
    page_url: Callable[[Page], str] | None = None,
    document_url: Callable[[AbstractDocument], str] | None = None,
) -> list[str]:
    """The final HTML of each rich text source, in order; links and embeds of all of them are
    resolved together, in a fixed number of queries. Links point at ``page_url(page)`` and
    ``document_url(document)``: by default the absolute URLs a headless frontend needs (see
    ``page_path_and_url``)."""
    if not sources:
        return []
    html = rewriter(
        page_url or (lambda page: page_path_and_url(page, request)[1]),
        document_url or (lambda document: absolute_url(document.url, request)),
        request,
    )(SEPARATOR.join(sources))
    return DEAD_LINK.sub(r"\1", html).split(SEPARATOR)


def site_rich_texts(sources: list[str], request: HttpRequest) -> list[SafeString]:
    """Rich text as the blog's own pages show it: links resolved for all of it at once, links to
    pages the public cannot see left as plain text, page links on this Wagtail site."""
    rendered = render_rich_texts(
        sources,
        request,
        page_url=lambda page: page.get_url(request),
        document_url=lambda document: document.url,
    )
    return [mark_safe(html) for html in rendered]
