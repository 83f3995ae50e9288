"""A post page is purged from Wagtail's frontend cache once its public discussion changes, and
only then: approving, unpublishing, editing or deleting a public comment, erasing a commenter."""

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from wagtail.contrib.frontend_cache.backends import BaseBackend

from cms_blog.models import Comment
from tests.factories import make_comment

PURGED: list[str] = []


class RecordingBackend(BaseBackend):
    """A frontend cache that writes down the URLs it is asked to purge."""

    def purge(self, url: str) -> None:
        PURGED.append(url)


@pytest.fixture(autouse=True)
def frontend_cache(settings) -> None:
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": f"{__name__}.RecordingBackend"}}
    PURGED.clear()


def purged_after(change: Callable[[], object], capture) -> list[str]:
    """The URLs purged by ``change``, which only happens once its transaction commits."""
    PURGED.clear()
    with capture(execute=False) as callbacks:
        change()
    assert PURGED == []
    for callback in callbacks:
        callback()
    return list(PURGED)


# (status before, change, whether the public discussion changed); test_invalidation.py reuses it.
DISCUSSION_CHANGES = [
    # a held comment published
    ("pending", lambda c: c.approve(), True),
    ("pending", lambda c: Comment.objects.filter(pk=c.pk).approve(), True),
    # a public comment taken down
    ("approved", lambda c: c.mark_spam(), True),
    ("approved", lambda c: Comment.objects.filter(pk=c.pk).trash(), True),
    ("approved", lambda c: c.delete(), True),
    # a public comment edited, or moved back to the queue by editing its status
    ("approved", lambda c: Comment.objects.get(pk=c.pk).save(), True),
    ("approved", lambda c: setattr(c, "status", "pending") or c.save(), True),
    # nothing public changed
    ("pending", lambda c: c.mark_spam(), False),
    ("spam", lambda c: Comment.objects.filter(pk=c.pk).restore(), False),
    ("pending", lambda c: c.delete(), False),
    ("trash", lambda c: Comment.objects.get(pk=c.pk).save(), False),
]


@pytest.mark.parametrize(("status", "change", "purges"), DISCUSSION_CHANGES)
def test_public_changes_purge_the_post_page(
    post, django_capture_on_commit_callbacks, status, change, purges
):
    comment = make_comment(post, status=status)

    purged = purged_after(lambda: change(comment), django_capture_on_commit_callbacks)

    assert purged == ([post.full_url] if purges else [])


def test_a_new_public_comment_purges_and_a_held_one_does_not(
    post, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert purged_after(lambda: make_comment(post, status="pending"), capture) == []
    assert purged_after(lambda: make_comment(post, status="approved"), capture) == [post.full_url]


def test_erasing_a_commenter_purges_the_pages_showing_their_name(
    make_post, post, django_capture_on_commit_callbacks
):
    make_comment(post, status="approved")
    quiet = make_post("Quiet")
    Comment.objects.create(
        post=quiet, author_name="Ann", author_email="ann@example.com", body="Held"
    )

    purged = purged_after(
        lambda: call_command("erase_comments", "ann@example.com", stdout=io.StringIO()),
        django_capture_on_commit_callbacks,
    )

    assert purged == [post.full_url]


def test_nothing_is_purged_without_the_frontend_cache_app(
    monkeypatch, django_capture_on_commit_callbacks, post
):
    monkeypatch.setattr("cms_blog.models.comments.apps.is_installed", lambda name: False)
    comment = make_comment(post, status=Comment.Status.PENDING)

    assert purged_after(comment.approve, django_capture_on_commit_callbacks) == []
