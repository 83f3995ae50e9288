"""The public discussion of posts, read in a constant number of queries whatever its size.

A discussion is a list of threads: an approved top-level comment with its approved replies,
oldest first, recursively. A reply under a comment that is not approved is not shown (it would
answer something readers cannot see) and not counted. Long discussions are read a page of
threads at a time (``COMMENTS_PER_PAGE`` top-level comments a page, as WordPress does), each
thread whole: ``Comment.path`` finds a thread's replies, and the comments above one, in one query.
GraphQL reads the same threads by cursor (``thread_windows``): the next threads of many posts at
once, each thread whole.
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Left, NullIf, RowNumber, StrIndex

from ..conf import blog_settings
from ..models.comments import Comment

OLDEST_FIRST = ("created_at", "pk")


@dataclass
class ThreadPage:
    """One page of a post's threads; pages are numbered from 1, the oldest threads first."""

    threads: list[Comment]
    number: int
    num_pages: int

    @property
    def previous_number(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next_number(self) -> int | None:
        return self.number + 1 if self.number < self.num_pages else None


def comment_threads(post_ids: Iterable[int]) -> dict[int, list[Comment]]:
    """The whole public discussion of each post, in one query (with the author roles
    ``author_badge`` needs): for small discussions and exports; pages read ``thread_page``."""
    post_ids = list(post_ids)
    threads: dict[int, list[Comment]] = {pk: [] for pk in post_ids}
    for root in assemble(Comment.objects.public().filter(post_id__in=post_ids)):
        threads[root.post_id].append(root)
    return threads


def thread_page(post_id: int, number: int | None = None) -> tuple[ThreadPage, int]:
    """Page ``number`` of a post's threads (the default page when None or out of range: the
    newest or the oldest, as ``COMMENTS_DEFAULT_PAGE`` says), and how many comments the post
    shows on all its pages. Two queries."""
    per_page = blog_settings.COMMENTS_PER_PAGE
    shown, threads = _counts(post_id)
    if not per_page:
        return ThreadPage(comment_threads([post_id])[post_id], number=1, num_pages=1), shown
    num_pages = max(1, math.ceil(threads / per_page))
    if number is None or not 1 <= number <= num_pages:
        number = num_pages if blog_settings.COMMENTS_DEFAULT_PAGE == "newest" else 1
    first = (number - 1) * per_page
    heads = top_level(post_id).values("pk")[first : first + per_page]
    threads = assemble(_threads_of([post_id], heads))
    return ThreadPage(threads, number=number, num_pages=num_pages), shown


@dataclass(frozen=True)
class ThreadKey:
    """Where a thread sits in its post's discussion, oldest first: its head's date, then id."""

    created_at: datetime.datetime
    pk: int


def thread_windows(
    post_ids: Iterable[int], first: int, after: ThreadKey | None = None
) -> dict[int, list[Comment]]:
    """For each post, its ``first`` threads after the thread at ``after`` (from its first when
    None), oldest first, each whole, in one query: the heads are numbered per post by a window
    function, and only the comments of the heads kept are read."""
    post_ids = list(post_ids)
    heads = Comment.objects.public().filter(post_id__in=post_ids, parent__isnull=True)
    if after is not None:
        heads = heads.filter(
            Q(created_at__gt=after.created_at) | Q(created_at=after.created_at, pk__gt=after.pk)
        )
    numbered = heads.annotate(
        number=Window(RowNumber(), partition_by=F("post_id"), order_by=OLDEST_FIRST)
    )
    windows: dict[int, list[Comment]] = {pk: [] for pk in post_ids}
    for root in assemble(_threads_of(post_ids, numbered.filter(number__lte=first).values("pk"))):
        windows[root.post_id].append(root)
    return windows


def _threads_of(post_ids: list[int], heads: QuerySet) -> QuerySet:
    """The public comments of these posts in the threads whose heads' ids ``heads`` selects."""
    # The thread a comment belongs to is the first id of its path (none for a comment stored
    # without one, by a script's bulk_create: it belongs to no page rather than fail the page).
    head = NullIf(Left("path", StrIndex("path", Value("/")) - 1), Value(""))
    thread = Cast(head, BigIntegerField())
    comments = Comment.objects.public().filter(post_id__in=post_ids)
    return comments.alias(thread=thread).filter(thread__in=heads)


def page_of(comment: Comment) -> int:
    """The page of its post's threads that shows ``comment`` (or would, once approved)."""
    if not blog_settings.COMMENTS_PER_PAGE:
        return 1
    root_id = int(comment.path.split("/", 1)[0]) if comment.path else comment.pk
    root = comment if root_id == comment.pk else Comment.objects.get(pk=root_id)
    earlier = Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
    return page_number(top_level(comment.post_id).filter(earlier).count())


def page_number(earlier_threads: int) -> int:
    """The page of a thread that has ``earlier_threads`` approved threads before it."""
    per_page = blog_settings.COMMENTS_PER_PAGE
    return earlier_threads // per_page + 1 if per_page else 1


def with_earlier_threads(comments: QuerySet) -> QuerySet:
    """Annotate each (top-level) comment with ``earlier_threads``: how many approved threads of
    its post come before it, for ``page_number``, in the same query whatever their number."""
    earlier = (
        Comment.objects.public()
        .filter(post_id=OuterRef("post_id"), parent__isnull=True)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("post_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return comments.annotate(earlier_threads=Coalesce(Subquery(earlier), 0))


def page_count(post_id: int) -> int:
    """How many pages the post's threads fill."""
    per_page = blog_settings.COMMENTS_PER_PAGE
    return max(1, math.ceil(top_level(post_id).count() / per_page)) if per_page else 1


def public_comment_counts(post_ids: Iterable[int]) -> dict[int, int]:
    """How many comments each post shows, replies included, in one query: approved comments with
    no comment above them that is not approved."""
    post_ids = list(post_ids)
    counts = dict(
        _shown(Comment.objects.filter(post_id__in=post_ids))
        .order_by()
        .values("post_id")
        .annotate(shown=Count("pk"))
        .values_list("post_id", "shown")
    )
    return {pk: counts.get(pk, 0) for pk in post_ids}


def _counts(post_id: int) -> tuple[int, int]:
    """How many comments a post shows, and how many threads (approved top-level comments) they
    form: one query."""
    counts = _shown(Comment.objects.filter(post_id=post_id)).aggregate(
        shown=Count("pk"), threads=Count("pk", filter=Q(parent__isnull=True))
    )
    return counts["shown"], counts["threads"]


def _shown(comments: QuerySet) -> QuerySet:
    """The approved ones of ``comments`` with no comment above them that is not approved."""
    hidden = [status for status in Comment.Status.values if status != Comment.Status.APPROVED]
    hidden_above = (
        # The hidden statuses named, not "not approved": the (post, status) index then finds
        # the few hidden comments of the post instead of reading all its comments, per comment.
        Comment.objects.filter(post_id=OuterRef("post_id"), status__in=hidden)
        # This comment's path starts with the hidden comment's path: it is under it.
        .annotate(position=StrIndex(OuterRef("path"), F("path")))
        .filter(position=1)
    )
    return comments.filter(status=Comment.Status.APPROVED).exclude(Exists(hidden_above))


def top_level(post_id: int) -> QuerySet:
    """The approved top-level comments of a post, oldest first: the heads of its threads."""
    return (
        Comment.objects.public()
        .filter(post_id=post_id, parent__isnull=True)
        .order_by(*OLDEST_FIRST)
    )


def assemble(comments: QuerySet) -> list[Comment]:
    """The threads these comments form, oldest first: top-level ones, each with
    ``thread_replies`` (recursively). A reply whose parent is not among them is left out."""
    comments = list(comments.with_author_roles().order_by(*OLDEST_FIRST))
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        if comment.parent_id is None:
            roots.append(comment)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].thread_replies.append(comment)
    return roots


def walk(threads: list[Comment]) -> Iterable[Comment]:
    """Every comment of threads from ``comment_threads``, replies included (depth first)."""
    stack = list(reversed(threads))
    while stack:
        comment = stack.pop()
        yield comment
        stack.extend(reversed(comment.thread_replies))


def thread_size(threads: list[Comment]) -> int:
    """How many comments threads from ``comment_threads`` hold, replies included."""
    return sum(1 for _comment in walk(threads))
