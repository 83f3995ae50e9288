"""The public discussion of posts, read in a constant number of queries whatever its size."""

from collections.abc import Iterable

from ..models.comments import Comment


def comment_threads(post_ids: Iterable[int]) -> dict[int, list[Comment]]:
    """The public discussion of each post: approved top-level comments, oldest first, each with
    ``thread_replies`` (approved replies, oldest first, recursively).

    One query whatever the number of posts and comments: every approved comment of the posts is
    loaded at once (with the author roles ``author_badge`` needs) and the trees are assembled
    here. A reply whose parent is not approved is not shown: it would answer something readers
    cannot see."""
    post_ids = list(post_ids)
    threads: dict[int, list[Comment]] = {pk: [] for pk in post_ids}
    comments = list(
        Comment.objects.public()
        .filter(post_id__in=post_ids)
        .with_author_roles()
        .order_by("created_at", "pk")
    )
    by_id = {comment.pk: comment for comment in comments}
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.post_id].append(comment)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].thread_replies.append(comment)
    return threads


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
