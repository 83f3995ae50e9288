"""The endpoint's guards: size, depth and cost limits, batching, GraphiQL, introspection, CSRF,
and errors that never leak internals."""

import base64
import hashlib
import json
import logging
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from graphql import ValidationContext, get_introspection_query

from cms_blog.graphql.schema import schema
from cms_blog.models import Comment
from tests.graphql_support import ENDPOINT, data_of, run_query


def post_json(client: Client, body) -> object:
    return client.post(ENDPOINT, json.dumps(body), content_type="application/json")


def deep_query(levels: int) -> str:
    return "{ posts { items { " + "previousPost { " * levels + "id" + " }" * levels + " } } }"


ADD_COMMENT = """addComment(input: {postId: "1", authorName: "A", authorEmail: "a@example.com",
  body: "Hello"}) { status }"""


@pytest.mark.parametrize(
    "document, message",
    [
        # 50 levels deep
        (deep_query(50), "exceeds maximum operation depth"),
        # 100 aliases (500 would pass the token limit first)
        ("{ " + " ".join(f"a{n}: tags {{ name }}" for n in range(100)) + " }", "aliases"),
        # 600 fields, no aliases
        ("{ posts { items { " + "title " * 600 + "} } }", "fields"),
        # two addComment in one document
        (f"mutation {{ first: {ADD_COMMENT} second: {ADD_COMMENT} }}", "Only one addComment"),
    ],
)
def test_costly_documents_are_refused_before_any_query(
    db, client, django_assert_num_queries, document, message
):
    with django_assert_num_queries(0):
        response = post_json(client, {"query": document})
    assert response.status_code == 400
    assert any(message in error["message"] for error in response.json()["errors"])
    assert not Comment.objects.exists()


def doubling_fragments(levels: int, on: str, leaf: str, field: str = "") -> str:
    """Fragments F0 to F{levels}, each spreading the next twice (within ``field`` when given): the
    text grows by one fragment per level, the document it stands for doubles."""

    def twice(level: int) -> str:
        spread = f"...F{level + 1}"
        return f"{field} {{ {spread} }} {field} {{ {spread} }}" if field else f"{spread} {spread}"

    fragments = [f"fragment F{level} on {on} {{ {twice(level)} }}" for level in range(levels)]
    return " ".join([*fragments, f"fragment F{levels} on {on} {{ {leaf} }}"])


@pytest.mark.parametrize(
    "document, message",
    [
        # 2**21 __typename: the reviewer's ~800-byte document
        ("query { ...F0 } " + doubling_fragments(21, "Query", "__typename"), "500 fields"),
        # a hundred levels: 2**100 fields, as quick to refuse
        ("query { ...F0 } " + doubling_fragments(100, "Query", "__typename"), "500 fields"),
        # 2**21 posts, 22 deep, through fields
        (
            "{ posts { items { ...F0 } } } "
            + doubling_fragments(20, "Post", "id", field="alias: previousPost"),
            "exceeds maximum operation depth of 12",
        ),
        # the same for aliases
        (
            "{ posts { items { ...F0 } } } "
            + doubling_fragments(20, "Post", "id", field="alias: previousPost"),
            "30 aliases",
        ),
        # 2**21 addComment
        (
            "mutation { ...F0 } " + doubling_fragments(21, "Mutation", ADD_COMMENT),
            "500 fields",
        ),
    ],
)
def test_fragments_multiplying_each_other_are_sized_once(
    db, client, monkeypatch, django_assert_num_queries, document, message
):
    lookups = []
    get_fragment = ValidationContext.get_fragment
    monkeypatch.setattr(
        ValidationContext,
        "get_fragment",
        lambda context, name: lookups.append(name) or get_fragment(context, name),
    )
    with django_assert_num_queries(0):
        response = post_json(client, {"query": document})
    assert response.status_code == 400
    assert any(message in error["message"] for error in response.json()["errors"])
    # Expanding the spreads would look fragments up millions of times: each is looked up a few
    # times, by the standard rules and by ours.
    assert len(lookups) < 10 * document.count("fragment ")
    assert not Comment.objects.exists()


def test_fragments_multiplying_each_other_within_the_limits_run(client, blog_index):
    # 2**8 = 256 __typename, 500 allowed: merged into one answer
    document = "query { ...F0 } " + doubling_fragments(8, "Query", "__typename")
    assert data_of(client, document) == {"__typename": "Query"}


def test_depth_and_fields_count_through_fragments(client, settings, blog_index):
    # 13 previousPost below posts.items, two of them per fragment: too deep, not too many
    document = "{ posts { items { ...F0 } } } " + doubling_fragments(
        12, "Post", "id", field="previousPost"
    )
    assert "depth" in post_json(client, {"query": document}).json()["errors"][0]["message"]
    settings.CMS_BLOG = {"GRAPHQL_MAX_DEPTH": 14, "GRAPHQL_MAX_FIELDS": 2**14}
    assert data_of(client, document) == {"posts": {"items": []}}
    settings.CMS_BLOG = {"GRAPHQL_MAX_DEPTH": 14, "GRAPHQL_MAX_FIELDS": 2**13}
    assert "fields" in post_json(client, {"query": document}).json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "document, message",
    [
        # a cycle of spreads only
        (
            "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            "Cannot spread fragment 'A' within itself via 'B'.",
        ),
        # a cycle with fields on the way
        (
            "query { ...A } fragment A on Query { tags { name } ...B } "
            "fragment B on Query { ...A }",
            "Cannot spread fragment 'A' within itself via 'B'.",
        ),
        # a cycle below a field
        (
            "{ posts { items { ...A } } } fragment A on Post { previousPost { ...A } }",
            "Cannot spread fragment 'A' within itself.",
        ),
        # a cycle at the root of a mutation
        (
            "mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { ...A }",
            "Cannot spread fragment 'A' within itself via 'B'.",
        ),
        # a fragment that does not exist
        ("query { ...Nope }", "Unknown fragment 'Nope'."),
        # likewise, below a field
        ("{ posts { items { ...Nope } } }", "Unknown fragment 'Nope'."),
    ],
)
def test_fragment_cycles_and_unknown_fragments_get_the_standard_errors(
    db, client, django_assert_num_queries, document, message
):
    with django_assert_num_queries(0):
        response = post_json(client, {"query": document})
    assert response.status_code == 400
    assert [error["message"] for error in response.json()["errors"]] == [message]


def test_large_body_is_refused_before_any_query(db, client, django_assert_num_queries):
    body = {"query": "{ tags { name } }", "padding": "x" * 1_000_000}
    with django_assert_num_queries(0):
        response = post_json(client, body)
    assert response.status_code == 413
    assert "larger than" in response.json()["errors"][0]["message"]


def test_limits_follow_settings(client, settings, blog_index):
    many = "{ " + " ".join(f"a{n}: tags {{ name }}" for n in range(40)) + " }"
    assert post_json(client, {"query": many}).status_code == 400  # 30 aliases by default
    settings.CMS_BLOG = {"GRAPHQL_MAX_DEPTH": 60, "GRAPHQL_MAX_ALIASES": 40}
    assert data_of(client, deep_query(50)) == {"posts": {"items": []}}
    assert len(data_of(client, many)) == 40


def test_standard_validation_rules_stay_active(client):
    response = post_json(client, {"query": "{ posts { nope } }"})
    assert response.status_code == 400
    assert "Cannot query field 'nope'" in response.json()["errors"][0]["message"]


def test_batches_are_refused(client):
    response = post_json(client, [{"query": "{ tags { name } }"}, {"query": "{ tags { name } }"}])
    assert response.status_code == 400


def add_comment_url(post_id: int) -> str:
    """The endpoint's URL with an addComment on the post in its query string."""
    mutation = "mutation { " + ADD_COMMENT.replace('"1"', f'"{post_id}"') + " }"
    return f"{ENDPOINT}?{urlencode({'query': mutation})}"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",  # what a cross-site <form> sends
        "multipart/form-data; boundary=x",  # likewise
        "text/plain",  # likewise, and what sendBeacon sends
        "",  # no Content-Type at all: a cross-site fetch() with a Blob body sends none
        "application/octet-stream",  # a fetch() of an ArrayBuffer
        "application/graphql",  # preflighted, but not the JSON the docs describe
        "application/xml",  # anything else
    ],
)
def test_posts_that_are_not_json_are_refused(
    client, make_post, django_assert_num_queries, content_type
):
    post = make_post("Target")
    with django_assert_num_queries(0):
        response = client.generic(
            "POST", add_comment_url(post.pk), "query={tags{name}}", content_type=content_type
        )
    assert response.status_code == 415
    assert "application/json" in response.json()["errors"][0]["message"]
    assert not Comment.objects.exists()


def test_a_post_reads_its_query_from_the_body_not_the_url(client, make_post):
    post = make_post("Target")
    body = json.dumps({"query": "{ tags { name } }"})
    response = client.post(add_comment_url(post.pk), body, content_type="application/json")
    assert response.json() == {"data": {"tags": []}}
    # A body without a query has none: the URL's is ignored.
    response = client.post(add_comment_url(post.pk), "{}", content_type="application/json")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_json_with_a_charset_is_json(client, blog_index):
    response = client.post(
        ENDPOINT,
        json.dumps({"query": "{ tags { name } }"}),
        content_type="application/json; charset=utf-8",
    )
    assert response.json() == {"data": {"tags": []}}


@pytest.mark.parametrize(
    "query, variables",
    [
        # half a surrogate pair in a tag
        ("query ($s: String) { posts(tag: $s) { items { id } } }", {"s": "a\ud800b"}),
        # in a slug
        ("query ($s: String) { post(slug: $s) { id } }", {"s": "\udfff"}),
        # in a comment, deep in an input object
        (
            "mutation ($i: AddCommentInput!) { addComment(input: $i) { status } }",
            {"i": {"postId": "1", "authorName": "A", "authorEmail": "a@b.cc", "body": "\ud83d"}},
        ),
    ],
)
def test_variables_that_are_not_unicode_are_refused(
    db, client, django_assert_num_queries, query, variables
):
    with django_assert_num_queries(0):
        response = post_json(client, {"query": query, "variables": variables})
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert message == "The variables hold text that is not valid Unicode."


def test_json_posts_need_no_csrf_token(blog_index):
    client = Client(enforce_csrf_checks=True)
    assert data_of(client, "{ tags { name } }") == {"tags": []}


def test_mutations_are_refused_over_get(client):
    response = client.get(ENDPOINT, {"query": f"mutation {{ {ADD_COMMENT} }}"})
    assert response.status_code == 405


@pytest.mark.parametrize(
    "debug, graphiql, served",
    [
        (True, None, True),  # on by default while DEBUG
        (False, None, False),  # off by default in production
        (False, True, True),  # switched on by the setting
        (True, False, False),  # switched off by the setting
    ],
)
def test_graphiql_is_served_when_debug_or_enabled(client, settings, debug, graphiql, served):
    settings.DEBUG = debug
    settings.CMS_BLOG = {"GRAPHQL_GRAPHIQL": graphiql}
    response = client.get(ENDPOINT, HTTP_ACCEPT="text/html")
    assert (response.status_code == 200 and b"graphiql" in response.content.lower()) is served


@pytest.mark.parametrize("offline_app_installed", [True, False])
def test_graphiql_assets_come_from_static_files_when_the_extra_is_installed(
    client, settings, monkeypatch, offline_app_installed
):
    settings.CMS_BLOG = {"GRAPHQL_GRAPHIQL": True}
    if not offline_app_installed:
        # Changing INSTALLED_APPS would reload Wagtail's API routers; the view only asks this.
        monkeypatch.setattr(
            "cms_blog.graphql.views.apps.is_installed",
            lambda name: name != "graphene_django_graphiql_static",
        )

    html = client.get(ENDPOINT, HTTP_ACCEPT="text/html").content.decode()

    local = re.findall(r'src="(/static/graphene_django_graphiql_static/[^"]+)"', html)
    if offline_app_installed:
        assert "cdn.jsdelivr.net" not in html
        assert "/static/graphene_django_graphiql_static/graphiql.min.js" in local
        # Each script's integrity hash is the one of the file served, or browsers refuse it.
        scripts = re.findall(r'<script src="/static/([^"]+)"\s+integrity="([^"]+)"', html)
        assert len(scripts) == len(local)
        for path, integrity in scripts:
            digest = hashlib.sha256(Path(finders.find(path)).read_bytes()).digest()
            assert integrity == "sha256-" + base64.b64encode(digest).decode(), path
    else:
        assert not local
        assert "cdn.jsdelivr.net" in html


def test_introspection_can_be_switched_off(client, settings, blog_index):
    # GraphiQL's and codegen tools' full introspection query fits within the default limits.
    assert data_of(client, get_introspection_query(descriptions=True))["__schema"]["types"]
    query = "{ __schema { queryType { name } } }"
    settings.CMS_BLOG = {"GRAPHQL_INTROSPECTION": False}
    response = post_json(client, {"query": query})
    assert response.status_code == 400
    assert "introspection is disabled" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "debug, shown",
    [
        (False, "Internal server error."),  # production: nothing internal leaks
        (True, "SELECT secret FROM somewhere"),  # development: the real message helps
    ],
)
def test_unexpected_errors_are_masked_and_logged(
    client, settings, make_post, caplog, monkeypatch, debug, shown
):
    settings.DEBUG = debug
    make_post("Any")
    field = schema.graphql_schema.type_map["Post"].fields["url"]

    def explode(post, info):
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(field, "resolve", explode)
    with caplog.at_level(logging.ERROR, logger="cms_blog.graphql"):
        result = run_query(client, "{ posts { items { title url } } }")

    assert [error["message"] for error in result["errors"]] == [shown]
    assert "Traceback" not in json.dumps(result)
    assert "SELECT secret FROM somewhere" in caplog.text
