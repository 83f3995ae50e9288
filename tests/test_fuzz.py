"""Fuzzing, bounded for CI: schemathesis generates GraphQL documents from the schema's own
introspection and sends them to the endpoint in-process (WSGI); hypothesis sends the comment
form arbitrary bodies. Neither may ever get a server error.

Each run is a few hundred requests: ``FUZZ_EXAMPLES`` per GraphQL root field, ``FORM_EXAMPLES``
per form strategy. Examples are not kept between runs (no .hypothesis folder)."""

import logging
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ_EXAMPLES = 40
FORM_EXAMPLES = 100
BOUNDED = settings(
    deadline=None,
    database=None,
    derandomize=True,  # the same examples on every run: a failure in CI is a failure locally
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def keep_connection():
    """Django's WSGI handler closes the database connection around each request, and the test's
    transaction lives on it (on PostgreSQL, for real): Django's test client unhooks the same."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def no_unexpected_errors(caplog):
    """The view logs every unexpected error (the ones answered "Internal server error.")."""
    with caplog.at_level(logging.ERROR, logger="cms_blog.graphql"):
        yield
    assert [
        record.getMessage() for record in caplog.records if record.name == "cms_blog.graphql"
    ] == []


# Loaded when the module is, before any database: the introspection query reads no table,
# and the response cache, which would read when the next post expires, is off for it.
# (schemathesis's from_fixture would load it per test, but needs a pytest internal that
# pytest 9 removed.)
with override_settings(CMS_BLOG={"GRAPHQL_RESPONSE_CACHE": False}):
    api = schemathesis.graphql.from_wsgi("/graphql/", get_wsgi_application())


@api.parametrize()
@settings(BOUNDED, max_examples=FUZZ_EXAMPLES)
def test_the_graphql_endpoint_never_fails(
    case, discussed_post, keep_connection, no_unexpected_errors
):
    response = case.call()
    assert response.status_code < 500, response.text
    payload = response.json()
    assert isinstance(payload, dict) and ("data" in payload or "errors" in payload)
    messages = [error["message"] for error in payload.get("errors", [])]
    assert "Internal server error." not in messages


def form_url(post) -> str:
    return f"/comments/post/{post.pk}/"


FIELDS = [
    "body",
    "author_name",
    "author_email",
    "author_url",
    "parent_id",
    "homepage",
    "timestamp",
    "remember",
    "csrfmiddlewaretoken",
]


@given(
    fields=st.dictionaries(
        st.sampled_from(FIELDS) | st.text(max_size=20),
        st.text(max_size=300) | st.integers().map(str) | st.sampled_from(["", "0", "-1", "1e9"]),
        max_size=12,
    )
)
@settings(BOUNDED, max_examples=FORM_EXAMPLES)
def test_the_comment_form_never_fails_on_any_fields(client, discussed_post, fields):
    response = client.post(
        form_url(discussed_post),
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500


@given(
    body=st.binary(max_size=2000),
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", ""]
    ),
)
@settings(BOUNDED, max_examples=FORM_EXAMPLES)
def test_the_comment_form_never_fails_on_any_bytes(client, discussed_post, body, content_type):
    response = client.generic("POST", form_url(discussed_post), body, content_type=content_type)
    assert response.status_code < 500
