"""Paging a post's threads by cursor: the ``first`` and ``after`` arguments that every
``comments`` field takes, and the cursors ``Comment.cursor`` gives.

A cursor names a thread by its place in the discussion (its head's date and id, base64-encoded),
not by a number of threads before it: a thread approved or removed earlier in the discussion
never makes the next page skip or repeat one. Clients treat it as opaque."""

import base64
import binascii
import datetime

import graphene
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy
from graphql import GraphQLError, GraphQLResolveInfo

from ...comments.threads import ThreadKey
from ...conf import blog_settings
from ...ids import parse_id
from ...models import Comment
from .loaders import ThreadsLoader, ThreadWindow

FIRST_ERROR = gettext_lazy("first must be between 1 and %(max)s (GRAPHQL_MAX_COMMENT_THREADS).")
CURSOR_ERROR = gettext_lazy("after is not a cursor of this API: pass a Comment.cursor.")


def thread_arguments() -> dict[str, graphene.Argument]:
    """The arguments of a ``comments`` field."""
    return {
        "first": graphene.Int(
            description="How many threads (top-level comments, each with its replies); by "
            "default, and at most, CMS_BLOG['GRAPHQL_MAX_COMMENT_THREADS'] (50)."
        ),
        "after": graphene.String(
            description="Only the threads after this one: the cursor of a top-level comment."
        ),
    }


def load_threads(
    info: GraphQLResolveInfo, post_id: int, first: int | None, after: str | None
) -> list[Comment]:
    """The threads a ``comments`` field asks for, loaded with the same window of every post
    primed (the post must be primed)."""
    limit = blog_settings.GRAPHQL_MAX_COMMENT_THREADS
    if first is None:
        first = limit
    if not 1 <= first <= limit:
        raise GraphQLError(FIRST_ERROR % {"max": limit})
    window = ThreadWindow(first, None if after is None else read_cursor(after))
    return ThreadsLoader(info.context, window).load(post_id)


def cursor(comment: Comment) -> str | None:
    """The cursor of a top-level comment: its thread's place. None for a reply."""
    if comment.parent_id is not None:
        return None
    place = f"{comment.created_at.isoformat()}|{comment.pk}"
    return base64.urlsafe_b64encode(place.encode()).decode()


def read_cursor(text: str) -> ThreadKey:
    """The thread a cursor names; a GraphQL error for anything ``cursor`` never made."""
    try:
        created_at, _sep, pk = base64.urlsafe_b64decode(text.encode()).decode().partition("|")
        key = ThreadKey(datetime.datetime.fromisoformat(created_at), parse_id(pk))
    except (binascii.Error, UnicodeError, ValueError):
        raise GraphQLError(str(CURSOR_ERROR)) from None
    if key.pk is None or timezone.is_aware(key.created_at) != settings.USE_TZ:
        raise GraphQLError(str(CURSOR_ERROR))
    return key
