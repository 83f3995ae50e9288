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


@register.filter
def with_citations(html: object, page: object) -> SafeString | object:
    """Link every "(N)" in rendered rich text to source N of ``page``."""
    sources = getattr(page, "numbered_sources", None)
    return link_citations(str(html), set(sources)) if sources else html
