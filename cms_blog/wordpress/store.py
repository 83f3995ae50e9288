"""Everything the WordPress importer takes from the blog itself, in one module: the page models,
the text block's features, the settings it reads and how imported comments are stored.

Imported comments are stored as the comment service would store them, minus everything that is
for readers: no moderation rules (flood, duplicates, words, links), no signals, no email. They
are inserted with ``bulk_create`` per post, one INSERT per thread level (parents first, so each
level knows its parents' ids), instead of one ``Comment.save()`` each: a 40,000-comment import
would otherwise run 40,000 INSERTs plus a parent lookup each. What ``Comment.save()`` derives is
set here the same way: ``depth`` is the parent's plus one (imported threads keep their depth
whatever ``MAX_DEPTH`` says: it limits new replies only), ``approved_at`` is set for approved
comments (the comment's own date: WordPress does not record when it was approved), and the
frontend cache is purged once per post. ``bulk_create`` would stamp ``created_at`` with the
current time (``auto_now_add``), so the original dates are written back by one ``bulk_update``.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from wagtail.models import Page

from ..blocks import BlogBodyBlock
from ..conf import blog_settings
from ..models import BlogIndexPage, BlogPostPage, Comment
from ..models.comments import purge_discussion_pages

# WordPress's comment_approved → the blog's comment status.
STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    # Comments of a post in WordPress's trash.
    "post-trashed": Comment.Status.TRASH,
}


def post_model() -> type[BlogPostPage]:
    return BlogPostPage


def index_model() -> type[BlogIndexPage]:
    return BlogIndexPage


def find_index(value: str) -> Page | None:
    """The blog index named by its page id or by its URL path (``/blog/``)."""
    value = value.strip()
    indexes = index_model().objects.all()
    if value.isdigit():
        return indexes.filter(pk=int(value)).first()
    path = "/" + value.strip("/") + "/" if value.strip("/") else "/"
    for index in indexes:
        url_parts = index.get_url_parts()
        if path in (index.url_path, url_parts[2] if url_parts else None):
            return index
    return None


def text_features() -> list[str]:
    """The rich-text features of the body's text block, which imported text must keep to."""
    return list(BlogBodyBlock.base_blocks["text"].features)


def store_ip() -> bool:
    """Whether commenters' IP addresses are kept (the blog's one setting for it)."""
    return bool(blog_settings.STORE_IP)


def comment_status(approved: str) -> str | None:
    """The status of an imported comment, or None for a state WordPress plugins invented."""
    return STATUSES.get(approved.strip().lower())


@dataclass
class ImportedComment:
    """A comment to store: its parent is an imported comment of the same batch (``parent_key``)
    or one stored before (``parent_pk``)."""

    key: int
    parent_key: int | None
    parent_pk: int | None
    author_name: str
    author_email: str
    author_url: str
    body: str
    status: str
    created_at: datetime.datetime
    ip_address: str | None
    user_agent: str
    user_id: int | None

    def fields(self) -> dict:
        return {
            "author_name": self.author_name,
            "author_email": self.author_email,
            "author_url": self.author_url,
            "body": self.body,
            "status": self.status,
            "created_at": self.created_at,
            "approved_at": self.created_at if self.status == Comment.Status.APPROVED else None,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "user_id": self.user_id,
        }


def create_comments(post_id: int, comments: list[ImportedComment]) -> dict[int, int]:
    """Store the comments of one post (parents before their replies); return their ids by key.
    A few queries whatever their number: one INSERT per thread level."""
    parent_pks = {comment.parent_pk for comment in comments if comment.parent_pk is not None}
    depths = dict(Comment.objects.filter(pk__in=parent_pks).values_list("pk", "depth"))
    rows: dict[int, Comment] = {}
    levels: dict[int, list[tuple[ImportedComment, Comment]]] = defaultdict(list)
    for comment in comments:
        if comment.parent_key is not None:
            depth = rows[comment.parent_key].depth + 1
        elif comment.parent_pk is not None:
            depth = depths[comment.parent_pk] + 1
        else:
            depth = 0
        row = Comment(post_id=post_id, parent_id=comment.parent_pk, depth=depth, **comment.fields())
        rows[comment.key] = row
        levels[depth].append((comment, row))
    for depth in sorted(levels):
        for comment, row in levels[depth]:
            if comment.parent_key is not None:
                row.parent_id = rows[comment.parent_key].pk
        Comment.objects.bulk_create([row for _comment, row in levels[depth]])
    for comment in comments:
        rows[comment.key].created_at = comment.created_at
    Comment.objects.bulk_update(list(rows.values()), ["created_at"], batch_size=500)
    if any(row.is_approved for row in rows.values()):
        purge_discussion_pages([post_id])
    return {key: row.pk for key, row in rows.items()}


def update_comments(post_id: int, comments: Iterable[tuple[int, ImportedComment]]) -> None:
    """Write what changed in WordPress onto comments imported before (their place in the thread
    stays: moving a comment would move its replies)."""
    for pk, comment in comments:
        Comment.objects.filter(pk=pk).update(**comment.fields())
    purge_discussion_pages([post_id])


def existing_comment_ids(pks: Iterable[int]) -> set[int]:
    return set(Comment.objects.filter(pk__in=list(pks)).values_list("pk", flat=True))
