"""Cache tags: the names of what a public answer depends on.

=====================  ===================================================================
``post:<id>``          the post itself: title, body, tags, URL, date (its page, its cards in
                       lists, the previous/next links of its neighbours)
``comments:<post id>`` the post's public discussion: its thread and its comment count
``posts``              lists of posts: which posts, in which order
``tags``               lists of tags and their post counts
``cms_blog``           every answer of the blog (a settings change, a full purge)
=====================  ===================================================================

The same names tag entries of Django's cache (``store.py``) and, in a response header, answers
cached by a CDN. The header is bounded (``CACHE_TAG_HEADER_MAX_BYTES``): an answer whose tags do
not fit carries ``skipped:post`` / ``skipped:comments`` instead of its ``post:…`` /
``comments:…`` tags, and invalidating any tag of a kind invalidates its ``skipped:`` tag too, as
WPGraphQL Smart Cache does with its ``X-GraphQL-Keys`` header.
"""

from collections.abc import Iterable

from django.db.models import Model

ALL = "cms_blog"
POSTS = "posts"
TAGS = "tags"
SKIPPED = "skipped:"
# Headers whose CDN reads a comma-separated list (Cloudflare's and Akamai's); the others (Fastly's
# Surrogate-Key, Varnish's xkey) read a space-separated one.
COMMA_SEPARATED = {"cache-tag", "edge-cache-tag"}


def post_tag(post_id: int) -> str:
    return f"post:{post_id}"


def comments_tag(post_id: int) -> str:
    return f"comments:{post_id}"


def tags_for_posts(posts: Iterable[Model | int], *, comments: bool = False) -> set[str]:
    """The tags of an answer that shows these posts (models or ids): ``post:<id>`` each, and
    ``comments:<id>`` too when it shows their discussions or comment counts."""
    ids = {post if isinstance(post, int) else post.pk for post in posts}
    tags = {post_tag(pk) for pk in ids}
    if comments:
        tags |= {comments_tag(pk) for pk in ids}
    return tags


def _kind(tag: str) -> str | None:
    """``post`` for ``post:12``; None for a tag that names no record (``posts``, ``skipped:…``)."""
    kind, separator, _ = tag.partition(":")
    return kind if separator and not tag.startswith(SKIPPED) else None


def with_fallbacks(tags: Iterable[str]) -> set[str]:
    """The tags to invalidate for ``tags``: each one, plus the ``skipped:`` tag of every kind of
    record among them (answers that had too many tags of that kind to list them)."""
    tags = set(tags)
    return tags | {SKIPPED + kind for tag in tags if (kind := _kind(tag))}


def header_separator(header: str) -> str:
    return "," if header.lower() in COMMA_SEPARATED else " "


def header_value(tags: Iterable[str], *, max_bytes: int, separator: str = " ") -> str:
    """The tags as one header value of at most ``max_bytes``: all of them when they fit, else the
    tags naming no record plus a ``skipped:<kind>`` for each kind of record left out."""
    tags = {ALL, *tags}
    value = separator.join(sorted(tags))
    if len(value.encode()) <= max_bytes:
        return value
    kept = {tag for tag in tags if _kind(tag) is None}
    kept |= {SKIPPED + kind for tag in tags if (kind := _kind(tag))}
    return separator.join(sorted(kept))
