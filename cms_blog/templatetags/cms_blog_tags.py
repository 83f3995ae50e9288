from django import template

register = template.Library()


@register.inclusion_tag("cms_blog/includes/citation.html", takes_context=True)
def cite(context: template.Context, number: int | None) -> dict:
    """Render "(N)" linking to the post's source N, with its citation as a tooltip."""
    page = context.get("page")
    sources = getattr(page, "numbered_sources", {})
    return {"number": number, "source": sources.get(number) if number else None}
