"""Numbered sources: checking that cited numbers exist, and linking "(N)" in text to source N."""

import re

from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail import blocks

TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
LINK_TAG = re.compile(r"</?a[\s>]", re.IGNORECASE)
CITATION = re.compile(r"\((\d{1,3})\)")


def source_errors(body, source_count: int) -> blocks.StreamBlockValidationError | None:
    """The body's citations of sources that do not exist, as errors on the citing blocks."""
    block_errors = {}
    for index, child in enumerate(body):
        cited_source = getattr(child.block, "cited_source", None)
        number = cited_source(child.value) if cited_source else None
        if number and number > source_count:
            message = (
                _("Source %(number)s does not exist: this post has no sources.")
                if source_count == 0
                else _("Source %(number)s does not exist: this post has sources 1 to %(count)s.")
            ) % {"number": number, "count": source_count}
            block_errors[index] = blocks.StructBlockValidationError(
                block_errors={"source": ValidationError(message)}
            )
    return blocks.StreamBlockValidationError(block_errors=block_errors) if block_errors else None


def link_citations(html: str, source_numbers: set[int], href: str = "#source-{}") -> SafeString:
    """Turn "(N)" in the text of ``html`` into a link to source N, when the post has source N.

    Only text outside tags and outside existing links is touched, so attributes and links that the
    editor wrote stay as they are.
    """
    parts = []
    inside_link = False
    for part in TAG_OR_TEXT.split(str(html)):
        if LINK_TAG.match(part):
            inside_link = not part.startswith("</")
        elif not part.startswith("<") and not inside_link:
            part = CITATION.sub(lambda match: citation_link(match, source_numbers, href), part)
        parts.append(part)
    return mark_safe("".join(parts))


def citation_link(match: re.Match, source_numbers: set[int], href: str) -> str:
    number = int(match.group(1))
    if number not in source_numbers:
        return match.group(0)
    return format_html('<a class="cms-blog-cite" href="{}">({})</a>', href.format(number), number)
