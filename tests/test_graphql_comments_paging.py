"""Comment threads through GraphQL, a window at a time: ``comments(first:, after:)`` on a post
and at the root, capped by ``GRAPHQL_MAX_COMMENT_THREADS``, walked with ``Comment.cursor``."""

import base64

import pytest
from django.utils import timezone

from cms_blog.models import Comment
from tests.factories import make_comment
from tests.graphql_support import data_of, run_query

POST_THREADS = """
query ($id: ID!, $first: Int, $after: String) {
  post(id: $id) {
    commentCount
    comments(first: $first, after: $after) { body cursor replies { body cursor } }
  }
}
"""
ROOT_THREADS = """
query ($id: ID!, $first: Int, $after: String) {
  comments(postId: $id, first: $first, after: $after) { body cursor replies { body } }
}
"""


@pytest.fixture
def threads(post) -> list[Comment]:
    """Seven threads of a comment and a reply each, and a pending thread that stays out."""
    heads = []
    for number in range(7):
        head = make_comment(post, body=f"Thread {number}")
        make_comment(post, parent=head, body=f"Reply {number}")
        heads.append(head)
    make_comment(post, body="Held", status=Comment.Status.PENDING)
    return heads


def walk(client, document: str, post, first: int) -> list[list[str]]:
    """Every window of the post's threads, following the cursor of each window's last thread."""
    windows, after = [], None
    while True:
        variables = {"id": str(post.pk), "first": first, "after": after}
        data = data_of(client, document, variables)
        window = data["post"]["comments"] if "post" in data else data["comments"]
        if not window:
            return windows
        windows.append([thread["body"] for thread in window])
        after = window[-1]["cursor"]


@pytest.mark.parametrize("document", [POST_THREADS, ROOT_THREADS])  # Post.comments; root comments
def test_the_cursor_walks_every_thread_once_oldest_first(client, post, threads, document):
    assert walk(client, document, post, first=3) == [
        ["Thread 0", "Thread 1", "Thread 2"],
        ["Thread 3", "Thread 4", "Thread 5"],
        ["Thread 6"],
    ]


def test_each_thread_comes_whole_and_the_count_covers_every_window(client, post, threads):
    data = data_of(client, POST_THREADS, {"id": str(post.pk), "first": 2})["post"]
    assert data["commentCount"] == 14
    assert [thread["replies"] for thread in data["comments"]] == [
        [{"body": "Reply 0", "cursor": None}],  # a reply names no place of its own
        [{"body": "Reply 1", "cursor": None}],
    ]


def test_first_defaults_to_the_cap(client, post, threads, settings):
    settings.CMS_BLOG = {"GRAPHQL_MAX_COMMENT_THREADS": 4}
    data = data_of(client, POST_THREADS, {"id": str(post.pk)})
    assert len(data["post"]["comments"]) == 4


@pytest.mark.parametrize("first", [0, -1, 5])  # none, negative, past the cap of 4
def test_first_out_of_bounds_is_an_error(client, post, threads, settings, first):
    settings.CMS_BLOG = {"GRAPHQL_MAX_COMMENT_THREADS": 4}
    for document in (POST_THREADS, ROOT_THREADS):
        result = run_query(client, document, {"id": str(post.pk), "first": first})
        (error,) = result["errors"]
        assert error["message"] == "first must be between 1 and 4 (GRAPHQL_MAX_COMMENT_THREADS)."


def encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        encoded("yesterday|12"),  # no date
        encoded("2026-01-01T00:00:00+00:00|twelve"),  # no id
        encoded("2026-01-01T00:00:00|12"),  # a date without its time zone
        encoded("2026-01-01T00:00:00+00:00|0"),  # no record has id 0
        "\u00e9\u00e9",  # not even ASCII
    ],
)
def test_a_bad_cursor_is_an_error(client, post, threads, cursor):
    result = run_query(client, POST_THREADS, {"id": str(post.pk), "after": cursor})
    assert result["errors"][0]["message"] == (
        "after is not a cursor of this API: pass a Comment.cursor."
    )


def test_threads_of_the_same_moment_are_told_apart_by_id(client, post):
    moment = timezone.now()
    for number in range(4):
        make_comment(post, body=f"Same {number}", created_at=moment)
    assert walk(client, POST_THREADS, post, first=1) == [[f"Same {n}"] for n in range(4)]


def test_a_thread_removed_before_the_cursor_skips_nothing(client, post, threads):
    first = data_of(client, POST_THREADS, {"id": str(post.pk), "first": 2})["post"]["comments"]
    threads[0].mark_spam()  # the discussion shrinks before the reader asks for more
    variables = {"id": str(post.pk), "first": 2, "after": first[-1]["cursor"]}
    after = data_of(client, POST_THREADS, variables)["post"]["comments"]
    assert [thread["body"] for thread in after] == ["Thread 2", "Thread 3"]


def test_the_cursor_of_a_thread_gone_still_reads_on(client, post, threads):
    first = data_of(client, POST_THREADS, {"id": str(post.pk), "first": 2})["post"]["comments"]
    threads[1].delete()  # the very thread the cursor names
    variables = {"id": str(post.pk), "first": 2, "after": first[-1]["cursor"]}
    after = data_of(client, POST_THREADS, variables)["post"]["comments"]
    assert [thread["body"] for thread in after] == ["Thread 2", "Thread 3"]
