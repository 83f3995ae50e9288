"""Image filter specs built from GraphQL arguments and checked against the site's allow-list.

Every rendition is a file written to storage, so clients may only ask for the specs listed in
``CMS_BLOG["ALLOWED_IMAGE_FILTERS"]``; an open-ended ``width-N`` would let anyone fill the disk."""

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from graphql import GraphQLError
from wagtail.images.models import Filter

from ..conf import blog_settings

# Output formats Pillow writes everywhere; "format-…" is appended to an allowed sizing spec.
IMAGE_FORMATS = ("jpeg", "png", "gif", "webp", "avif")


def filter_spec(
    *,
    fill: str | None = None,
    width: int | None = None,
    height: int | None = None,
    max: str | None = None,  # noqa: A002 - the GraphQL argument names are the Wagtail operations
    min: str | None = None,  # noqa: A002
    format: str | None = None,  # noqa: A002
) -> str:
    """The Wagtail filter spec for these operations, e.g. ``fill-400x300|format-webp``; raises a
    ``GraphQLError`` naming the allowed specs when the sizing or the format is not allowed."""
    operations = [
        f"{name}-{value}"
        for name, value in (
            ("fill", fill),
            ("width", width),
            ("height", height),
            ("max", max),
            ("min", min),
        )
        if value is not None
    ]
    sizing = "|".join(operations) or "original"
    allowed = blog_settings.GRAPHQL_IMAGE_FILTERS
    if sizing not in allowed:
        raise GraphQLError(
            _("The image filter %(spec)s is not allowed. Allowed filters: %(allowed)s.")
            % {"spec": sizing, "allowed": ", ".join(allowed)}
        )
    if format is None:
        return sizing
    if format not in IMAGE_FORMATS:
        raise GraphQLError(
            _("The image format %(format)s is not allowed. Allowed formats: %(allowed)s.")
            % {"format": format, "allowed": ", ".join(IMAGE_FORMATS)}
        )
    return f"{sizing}|format-{format}"


def src_set_specs(sizes: Iterable[int], format: str | None = None) -> list[str]:  # noqa: A002
    """The filter specs of a ``srcset``: one per distinct width, in the order first asked, each
    allowed. The list argument itself is bounded by ``GRAPHQL_MAX_LIST_LENGTH`` (limits.py);
    a width asked twice would be a second copy of the same entry in the answer."""
    return [filter_spec(width=size, format=format) for size in dict.fromkeys(sizes)]


@cache
def image_filter(spec: str) -> Filter:
    """One Wagtail ``Filter`` per spec for the process (the specs are the allowed ones): a filter
    parses its spec on first use, inspecting each operation's signature, and keeps the result."""
    return Filter(spec)


def renditions(image: Any, specs: list[str]) -> list[Any]:
    """The image's renditions for these allowed specs, in order, created when missing. Through
    ``get_renditions``, which writes to Wagtail's renditions cache only what it did not find
    prefetched with the image, where ``get_rendition`` writes each one it returns: a round trip
    to Redis per figure, for renditions the next request prefetches anyway."""
    found = image.get_renditions(*(image_filter(spec) for spec in specs))
    # Keyed by the filter actually used, which differs from the one asked for an SVG.
    return list(found.values())
