"""A comment is confirmed (the form's redirect to ``#comment-N``, ``addComment``'s id and status)
only once its row is committed: PostgreSQL's backend is killed at each step of the submission,
from a second connection, and whatever the step the reader is answered 503 with Retry-After,
nothing is confirmed unless it is stored, and the next request works."""

import contextlib
import time

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django_tasks.base import Task

from cms_blog.comments.forms import form_timestamp
from cms_blog.comments.service import durable
from cms_blog.models import Comment
from tests.graphql_support import ENDPOINT


def on_postgresql(test):
    skip = pytest.mark.skipif(
        connection.vendor != "postgresql", reason="kills PostgreSQL backends (pg_terminate_backend)"
    )
    # Real commits: the kill at COMMIT needs one, and the killed connection is not the test's.
    return skip(pytest.mark.django_db(transaction=True, serialized_rollback=True)(test))


ADD_COMMENT = """mutation ($i: AddCommentInput!) {
  addComment(input: $i) { status comment { id } errors { field messages } } }"""


def kill_backend() -> None:
    """Terminate the backend serving Django's connection, from a second connection to the test
    database (only that backend, only in that database)."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as killer:
        killer.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE pid = %s AND datname = current_database()",
            [pid],
        )
    # Until the backend is gone, the next statement might still be answered.
    with psycopg.connect(**params, autocommit=True) as probe:
        for _ in range(100):
            if not probe.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.01)


@contextlib.contextmanager
def kill_on_sql(starts: str, after: bool = False):
    """Kill the backend before (or right after) the first statement that starts so."""
    done = []

    def wrapper(execute, sql, params, many, context):
        hit = not done and sql.lstrip().upper().startswith(starts)
        if hit and not after:
            done.append(sql)
            kill_backend()
        result = execute(sql, params, many, context)
        if hit and after:
            done.append(sql)
            kill_backend()
        return result

    with connection.execute_wrapper(wrapper):
        yield
    assert done, f"no statement started with {starts}"


@contextlib.contextmanager
def kill_in_receiver(signal, swallow: bool):
    """A receiver of the comment's save that kills the backend and makes a query, as Wagtail's
    reference index task did; ``swallow``: it catches the error in a savepoint of its own, as
    django-tasks' immediate backend marks a failing task failed instead of raising."""

    def receiver(sender, instance, **kwargs):
        if not swallow:
            kill_backend()
            Comment.objects.count()
            return
        try:
            with transaction.atomic():
                kill_backend()
                Comment.objects.count()
        except Exception:
            pass

    signal.connect(receiver, sender=Comment, weak=False)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=Comment)


@contextlib.contextmanager
def kill_at_commit():
    """Kill the backend as the transaction commits."""
    original = connection._commit
    hits = []

    def commit():
        if connection.connection is not None and not hits:
            hits.append(True)
            kill_backend()
        return original()

    connection._commit = commit
    try:
        yield
    finally:
        del connection._commit
    assert hits


FAULTS = {
    # the INSERT itself
    "at the insert": lambda: kill_on_sql('INSERT INTO "CMS_BLOG_COMMENT"'),
    # a receiver connected to the save, before the insert
    "in a pre_save receiver": lambda: kill_in_receiver(pre_save, swallow=False),
    # a receiver after the insert, raising
    "in a post_save receiver": lambda: kill_in_receiver(post_save, swallow=False),
    # a receiver that swallows the error (the lost confirmations of #12)
    "in a receiver that swallows it": lambda: kill_in_receiver(post_save, swallow=True),
    # the insert done, the thread path not yet written
    "between insert and commit": lambda: kill_on_sql('INSERT INTO "CMS_BLOG_COMMENT"', after=True),
    # the savepoint around the insert released
    "at the savepoint release": lambda: kill_on_sql("RELEASE SAVEPOINT"),
    # the COMMIT
    "at the commit": kill_at_commit,
}


def form_data(post, body: str) -> dict:
    return {
        "body": body,
        "author_name": "Bea",
        "author_email": "bea@example.com",
        "author_url": "",
        "homepage": "",
        "timestamp": form_timestamp(post.pk, time.time() - 60),
    }


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def stored(body: str) -> list[int]:
    return list(Comment.objects.filter(body=body).values_list("pk", flat=True))


@on_postgresql
@pytest.mark.parametrize("fault", FAULTS)
def test_the_form_confirms_only_what_is_stored(client, post, fault):
    with FAULTS[fault]():
        response = client.post(f"/comments/post/{post.pk}/", form_data(post, "Lost?"))

    assert_unavailable(response)
    assert "#comment-" not in response.get("Location", "")
    # The post page again, on a new connection, with the reader's text and a "try again".
    assert "Lost?" in response.content.decode() and "briefly unavailable" in str(response.content)
    assert stored("Lost?") == []
    # The connection recovers by itself, and the failed attempt took no flood slot: the
    # reader's retry (same email, at once) is stored and confirmed.
    response = client.post(f"/comments/post/{post.pk}/", form_data(post, "Back"))
    assert response.status_code == 302
    [pk] = stored("Back")
    assert response["Location"].endswith(f"#comment-{pk}")


@on_postgresql
@pytest.mark.parametrize("fault", FAULTS)
def test_add_comment_confirms_only_what_is_stored(client, post, fault):
    def add(body: str):
        comment = {"postId": str(post.pk), "authorName": "A", "authorEmail": "a@x.org"}
        comment["body"] = body
        return client.post(
            ENDPOINT, {"query": ADD_COMMENT, "variables": {"i": comment}}, "application/json"
        )

    with FAULTS[fault]():
        response = add("Lost?")

    assert_unavailable(response)
    answer = response.json()
    assert "data" not in answer or answer["data"] is None
    assert answer["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
    assert stored("Lost?") == []
    answer = add("Back").json()["data"]["addComment"]
    assert answer["status"] in {"PENDING", "APPROVED"} and answer["comment"]["id"]
    assert len(stored("Back")) == 1


@on_postgresql
def test_a_transaction_lost_without_an_error_is_not_taken_for_committed():
    # An error swallowed after the connection died (no statement after it to fail): Django's
    # outermost atomic block would roll back without a word; durable() raises instead.
    with pytest.raises(OperationalError, match="lost before it could commit"), durable():
        Comment.objects.count()
        try:
            with transaction.atomic():
                kill_backend()
                Comment.objects.count()
        except OperationalError:
            pass
    assert Comment.objects.count() == 0  # and the connection is back


def test_no_task_runs_inside_a_comments_transaction(client, post, monkeypatch):
    # django-tasks' immediate backend runs a task in place and swallows its errors (the task is
    # marked failed): one inside the transaction could lose it unseen, as Wagtail's reference
    # index task did before comments left the index.
    enqueued = []
    monkeypatch.setattr(Task, "enqueue", lambda task, *args, **kwargs: enqueued.append(task))
    client.post(f"/comments/post/{post.pk}/", form_data(post, "No task"))
    assert stored("No task") and enqueued == []
