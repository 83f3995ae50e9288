"""While the database or the cache is unreachable, pages, feeds and GraphQL answer HTTP 503 with
Retry-After (and GraphQL an error code clients act on), never a 500 or a 200 with an error."""

import logging
import time

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.db.backends.utils import CursorWrapper
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from cms_blog.comments.forms import form_timestamp
from cms_blog.faults import service_fault
from cms_blog.graphql.schema import schema
from cms_blog.models import Comment
from tests.graphql_support import ENDPOINT

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@pytest.fixture
def post(make_post):
    return make_post("Vienna", tags=["congress"])


def fail_sql(patch: pytest.MonkeyPatch, error: Exception) -> None:
    """Every SQL statement from now on fails as it does when PostgreSQL is down."""

    def execute(*args, **kwargs):
        raise error

    patch.setattr(CursorWrapper, "_execute", execute)
    patch.setattr(CursorWrapper, "_executemany", execute)


@pytest.fixture
def database_fails(db):
    """Give it the exception to raise. Undone before the test database is rolled back, which
    takes SQL too."""
    with pytest.MonkeyPatch.context() as patch:
        yield lambda error: fail_sql(patch, error)


@pytest.fixture
def faults_logged(caplog):
    """What the outage logged, in the blog's logger: one line per request, no traceback."""
    with caplog.at_level(logging.INFO):
        yield lambda: [record for record in caplog.records if record.name == "cms_blog.faults"]
    assert all(not record.exc_info for record in caplog.records)


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        "{index}",  # the index
        "{index}?tag=congress",  # a tag
        "{index}?q=vienna",  # a search
        "{post}",  # a post
        "{index}feed/",  # the feed
    ],
)
@pytest.mark.parametrize(
    "error",
    [
        OperationalError(REFUSED),  # the server is down
        InterfaceError("connection already closed"),  # the connection died under the worker
    ],
)
def test_pages_answer_503_while_the_database_is_down(
    client, blog_index, post, database_fails, faults_logged, url, error
):
    database_fails(error)
    response = client.get(url.format(index=blog_index.url, post=post.url))
    assert_unavailable(response)
    assert b"briefly unavailable" in response.content  # the site's 503.html
    [record] = faults_logged()
    assert record.levelno == logging.ERROR and str(error) in record.getMessage()


def test_the_page_is_text_when_the_site_has_no_503_template(client, settings, post, database_fails):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]
    database_fails(OperationalError(REFUSED))
    response = client.get(post.url)
    assert_unavailable(response)
    assert response["Content-Type"].startswith("text/plain")
    assert (
        response.content.decode()
        == "The site is briefly unavailable. Please try again in a moment."
    )


def test_other_database_errors_stay_errors(client, post, database_fails):
    # A bad query is a bug, not an outage: Django's 500, and its traceback in the logs.
    database_fails(ProgrammingError('relation "cms_blog_comment" does not exist'))
    with pytest.raises(ProgrammingError):
        client.get(post.url)


def test_pages_answer_503_while_a_cache_without_fallback_is_down(
    client, settings, post, unreachable_redis
):
    # Django's own Redis backend raises; django-redis with IGNORE_EXCEPTIONS would not
    # (tests/test_cache_outage.py).
    url = post.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": unreachable_redis,
        }
    }
    assert_unavailable(client.get(url))
    # A post's url needs the site root paths Wagtail keeps in the cache.
    response = client.post(ENDPOINT, {"query": "{ posts { items { url } } }"}, "application/json")
    assert_unavailable(response)
    assert response.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}


def graphql(client, query: str, variables: dict | None = None):
    return client.post(
        ENDPOINT, {"query": query, "variables": variables or {}}, content_type="application/json"
    )


def assert_graphql_unavailable(response) -> None:
    assert_unavailable(response)
    assert response.json() == {
        "errors": [
            {
                "message": "The site is briefly unavailable. Please try again in a moment.",
                "extensions": {"code": "SERVICE_UNAVAILABLE"},
            }
        ]
    }


def test_graphql_answers_503_while_the_database_is_down(
    client, post, database_fails, faults_logged
):
    database_fails(OperationalError(REFUSED))
    assert_graphql_unavailable(graphql(client, "{ posts { items { title url } } }"))
    assert len(faults_logged()) == 1


def test_a_comment_is_not_confirmed_while_the_database_is_down(client, post, database_fails):
    mutation = "mutation ($i: AddCommentInput!) { addComment(input: $i) { status comment { id } } }"
    comment = {"postId": str(post.pk), "authorName": "A", "authorEmail": "a@x.org", "body": "Hi"}
    database_fails(OperationalError("server closed the connection unexpectedly"))
    assert_graphql_unavailable(graphql(client, mutation, {"i": comment}))


@pytest.mark.parametrize(
    "error",
    [
        OperationalError(REFUSED),
        InterfaceError("connection already closed"),
        RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        RedisTimeoutError("Timeout reading from socket"),
    ],
)
def test_a_fault_in_one_field_fails_the_whole_answer(client, post, monkeypatch, error):
    # Partial data would look like a post without a URL: the client is told to retry instead.
    def fail(*args):
        raise error

    monkeypatch.setattr(schema.graphql_schema.type_map["Post"].fields["url"], "resolve", fail)
    assert_graphql_unavailable(graphql(client, "{ posts { items { title url } } }"))


def test_other_graphql_errors_are_not_outages(client, settings, post, monkeypatch):
    def fail(*args):
        raise ProgrammingError("syntax error at or near SELECT")

    monkeypatch.setattr(schema.graphql_schema.type_map["Post"].fields["url"], "resolve", fail)
    response = graphql(client, "{ posts { items { title url } } }")
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == "Internal server error."


@pytest.mark.parametrize(
    "error, found",
    [
        (OperationalError(REFUSED), True),  # itself
        (ProgrammingError("bad SQL"), False),  # a bug
        (ValueError("x"), False),
        (None, False),
    ],
)
def test_service_fault(error, found):
    assert service_fault(error) is (error if found else None)


def test_service_fault_follows_what_an_error_was_raised_from():
    # django-redis raises ConnectionInterrupted from the redis error when not ignoring it.
    redis_error = RedisConnectionError("refused")
    try:
        try:
            raise redis_error
        except RedisConnectionError as error:
            raise ConnectionInterrupted(connection=None) from error
    except ConnectionInterrupted as wrapped:
        assert service_fault(wrapped) is redis_error


def test_the_next_request_after_the_outage_works(client, post):
    # The database is back: the same request answers again, with no restart.
    query = "{ posts { items { title } } }"
    with pytest.MonkeyPatch.context() as outage:
        fail_sql(outage, OperationalError(REFUSED))
        assert graphql(client, query).status_code == 503
    assert graphql(client, query).json() == {"data": {"posts": {"items": [{"title": "Vienna"}]}}}


def test_the_comment_form_keeps_the_text_when_the_database_fails(
    client, post, monkeypatch, faults_logged
):
    # The insert fails as on a dropped connection; the page around the form can still be read.
    execute = CursorWrapper._execute

    def insert_fails(self, sql, *args):
        if sql.startswith('INSERT INTO "cms_blog_comment"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(self, sql, *args)

    monkeypatch.setattr(CursorWrapper, "_execute", insert_fails)
    data = {
        "body": "Kept while the database is away",
        "author_name": "Bea",
        "author_email": "bea@example.com",
        "timestamp": form_timestamp(post.pk, time.time() - 60),
    }
    response = client.post(f"/comments/post/{post.pk}/", data)

    assert response.status_code == 503 and response["Retry-After"] == "30"
    # The answer to a POST: private as well as never stored.
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    html = response.content.decode()
    assert "Kept while the database is away" in html and 'value="Bea"' in html
    assert "briefly unavailable. Please try again in a moment." in html
    assert post.title in html  # the post page, not the bare 503 page
    monkeypatch.undo()
    assert not Comment.objects.exists()
    assert len(faults_logged()) == 1
    # The failed attempt took no flood slot: sending it again at once is not "too fast".
    response = client.post(f"/comments/post/{post.pk}/", data)
    assert response.status_code == 302 and Comment.objects.count() == 1
