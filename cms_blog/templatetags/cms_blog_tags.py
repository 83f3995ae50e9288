from django import template
from django.utils.safestring import SafeString

from ..citations import link_citations

register = template.Library()


@register.inclusion_tag("cms_blog/includes/citation.html", takes_context=True)
def cite(context: template.Context, number: int | None) -> dict:
    """Render "(N)" linking to the post's source N, with its citation as a tooltip."""
    page = context.get("page")
    sources = getattr(page, "numbered_sources", {})
    return {"number": number, "source": sources.get(number) if number else None}


@register.simple_tag(takes_context=True)
def with_citations(context: template.Context, html: object) -> SafeString | object:
    """Link every "(N)" in rendered rich text to a source of the page being rendered."""
    sources = getattr(context.get("page"), "numbered_sources", None)
    return link_citations(str(html), set(sources)) if sources else html
