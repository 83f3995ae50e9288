"""Two moderators acting on the same comment at the same moment (the admin's row and bulk actions
are the queryset transitions; scripts and "Approve and Reply" the instance ones; "Delete" the
instance's delete) end in one consistent state: the comment as one of them left it, and the
signals (``comment_approved``, ``comment_removed``, ``discussion_changed``, and what listens to
them: cache invalidation, purges, webhooks) telling that story once, no more.

The race is forced, not hoped for: the first moderator stops right after reading the comment
until the second is done (or, while the first holds the comment's lock, for a second)."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cms_blog.comments.signals import comment_approved, comment_removed, discussion_changed
from cms_blog.models import Comment
from tests.factories import make_comment

# While the first moderator holds the comment's lock the second cannot be done: this long.
LOCK_WAIT_SECONDS = 1

ACTIONS = {
    "approve": lambda pk: Comment.objects.filter(pk=pk).approve(),
    "spam": lambda pk: Comment.objects.filter(pk=pk).mark_spam(),
    "trash": lambda pk: Comment.objects.filter(pk=pk).trash(),
    "restore": lambda pk: Comment.objects.filter(pk=pk).restore(),
    "approve one": lambda pk: Comment.objects.get(pk=pk).approve(),
    "spam one": lambda pk: Comment.objects.get(pk=pk).mark_spam(),
    "delete": lambda pk: Comment.objects.get(pk=pk).delete(),
}
# What the comment may end as after each action.
ENDS = {
    "approve": "approved",
    "spam": "spam",
    "trash": "trash",
    "restore": "pending",
    "approve one": "approved",
    "spam one": "spam",
    "delete": None,
}


@pytest.fixture
def signals_sent():
    sent: Counter = Counter()
    lock = threading.Lock()

    def receiver(signal_name):
        def receive(sender, **kwargs):
            with lock:
                sent[signal_name] += 1

        return receive

    receivers = [
        (comment_approved, receiver("approved")),
        (comment_removed, receiver("removed")),
        (discussion_changed, receiver("changed")),
    ]
    for signal, receive in receivers:
        signal.connect(receive, sender=Comment, weak=False)
    yield sent
    for signal, receive in receivers:
        signal.disconnect(receive, sender=Comment)


def race(first: str, second: str, pk: int) -> None:
    """Run ``first`` and ``second`` on the comment, ``second`` after ``first`` read it."""
    first_read, second_done = threading.Event(), threading.Event()

    def stop_after_first_select(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not first_read.is_set() and sql.lstrip().upper().startswith("SELECT"):
            first_read.set()
            second_done.wait(LOCK_WAIT_SECONDS)
        return result

    def run_first():
        try:
            with connection.execute_wrapper(stop_after_first_select):
                ACTIONS[first](pk)
        finally:
            first_read.set()
            connection.close()

    def run_second():
        first_read.wait()
        try:
            ACTIONS[second](pk)
        finally:
            second_done.set()
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(run_first), pool.submit(run_second)]:
            future.result()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.parametrize(
    "start, first, second",
    [
        ("pending", "spam", "approve"),  # the approval must not outlive the spam verdict unseen
        ("pending", "approve", "spam"),
        ("pending", "approve", "approve"),  # approved once, announced once
        ("pending", "approve one", "approve one"),
        ("pending", "trash", "approve"),
        ("pending", "spam one", "approve"),
        ("pending", "delete", "approve"),  # a deleted comment's approval must be taken back
        ("approved", "spam", "trash"),  # removed once
        ("spam", "restore", "approve"),
    ],
)
def test_concurrent_moderation_ends_consistent(post, signals_sent, start, first, second):
    comment = make_comment(post, status=start)
    signals_sent.clear()

    race(first, second, comment.pk)

    end = Comment.objects.filter(pk=comment.pk).values_list("status", flat=True).first()
    assert end in {ENDS[first], ENDS[second]}
    # The signals tell the story from the start to the end, each step of it once.
    was_public, is_public = start == "approved", end == "approved"
    assert signals_sent["approved"] - signals_sent["removed"] == is_public - was_public
    assert signals_sent["approved"] <= 1 and signals_sent["removed"] <= 1
    assert signals_sent["changed"] == signals_sent["approved"] + signals_sent["removed"]
