"""Hostile requests to the GraphQL endpoint cost little and get a 4xx with a clear message: token
and list limits, cheap checks before expensive ones, a response size cap, malformed JSON, wrong
JSON types and invalid UTF-8, none of which logs a traceback."""

import json
import logging

import pytest
from graphql.language.parser import Parser
from graphql.validation.rules.overlapping_fields_can_be_merged import (
    OverlappingFieldsCanBeMergedRule,
)

from cms_blog.models import Comment
from tests.graphql_support import ENDPOINT, data_of, run_query


def post_raw(client, body: bytes | str):
    return client.post(ENDPOINT, body, content_type="application/json")


def post_json(client, body):
    return post_raw(client, json.dumps(body))


def errors_of(response, status: int = 400) -> list[str]:
    assert response.status_code == status, response.content
    return [error["message"] for error in response.json()["errors"]]


@pytest.fixture
def no_traceback_logged(caplog):
    """Refusing a malformed request is routine: nothing is logged with a traceback."""
    with caplog.at_level(logging.INFO):
        yield
    assert [record for record in caplog.records if record.exc_info] == []


@pytest.fixture
def tokens_read(monkeypatch) -> list[int]:
    """How many tokens the parser read, over every parse of the request."""
    count = [0]
    advance = Parser.advance_lexer

    def counting(parser) -> None:
        count[0] += 1
        advance(parser)

    monkeypatch.setattr(Parser, "advance_lexer", counting)
    return count


def test_a_long_document_is_refused_after_the_token_limit(
    db, client, tokens_read, django_assert_num_queries
):
    document = "{ posts { items { " + "title " * 15_000 + "} } }"
    with django_assert_num_queries(0):
        response = post_json(client, {"query": document})
    assert errors_of(response) == [
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    ]
    # The parser stopped at the limit: an eighth of the document was read, and read once.
    assert tokens_read[0] <= 2001


def test_comments_count_as_tokens(db, client):
    document = "{ tags { name } }" + "\n#" * 5000
    assert "more than 2000 tokens" in errors_of(post_json(client, {"query": document}))[0]


def test_the_token_limit_follows_the_setting(client, settings, blog_index):
    document = "{ tags { name } }"  # 6 tokens
    settings.CMS_BLOG = {"GRAPHQL_MAX_TOKENS": 5}
    assert "more than 5 tokens" in errors_of(post_json(client, {"query": document}))[0]
    settings.CMS_BLOG = {"GRAPHQL_MAX_TOKENS": 6}
    assert data_of(client, document) == {"tags": []}


@pytest.fixture
def overlap_checks(monkeypatch) -> list[object]:
    """The selection sets the spec's costliest rule compared: it pairs every field with every
    other of the same name."""
    calls = []
    enter = OverlappingFieldsCanBeMergedRule.enter_selection_set

    def counting(rule, node, *args):
        calls.append(node)
        return enter(rule, node, *args)

    monkeypatch.setattr(OverlappingFieldsCanBeMergedRule, "enter_selection_set", counting)
    return calls


@pytest.mark.parametrize(
    "document, message",
    [
        # 600 fields of one name: what makes the overlap rule quadratic
        ("{ posts { items { " + "title " * 600 + "} } }", "fields allowed"),
        # 40 aliases
        ("{ " + " ".join(f"a{n}: tags {{ name }}" for n in range(40)) + " }", "aliases"),
        # a long list literal
        ('{ post(slug: "x") { thumbnail { srcSet(sizes: [' + "400, " * 30 + "]) } } }", "items"),
    ],
)
def test_the_blogs_rules_refuse_before_the_specs_costly_ones_run(
    db, client, overlap_checks, document, message
):
    assert message in errors_of(post_json(client, {"query": document}))[0]
    assert overlap_checks == []


def test_a_document_the_blogs_rules_pass_meets_the_specs(client, blog_index, overlap_checks):
    # The counter does count: a valid document goes through the overlap rule too.
    assert data_of(client, "{ tags { name } }") == {"tags": []}
    assert overlap_checks
    response = post_json(client, {"query": "{ tags { name: slug name } }"})
    assert "conflict" in errors_of(response)[0]


SRC_SET = (
    'query ($sizes: [Int!]!) { post(slug: "pictured") { thumbnail { srcSet(sizes: $sizes) } } }'
)


@pytest.fixture
def pictured(make_post, make_image):
    return make_post("Pictured", body=[("figure", {"image": make_image("Photo")})])


@pytest.mark.parametrize(
    "body",
    [
        # 21 sizes written in the document
        {"query": SRC_SET.replace("sizes: $sizes", "sizes: [" + "400, " * 21 + "]")},
        # 21 sizes in the variables
        {"query": SRC_SET, "variables": {"sizes": [400] * 21}},
        # a long list anywhere in the variables, used or not
        {"query": SRC_SET, "variables": {"sizes": [400], "unused": list(range(10_000))}},
    ],
)
def test_lists_longer_than_the_limit_are_refused(
    client, pictured, no_traceback_logged, django_assert_num_queries, body
):
    with django_assert_num_queries(0):
        response = post_json(client, body)
    assert errors_of(response) == ["A list holds more than the 20 items allowed."]


def test_the_list_limit_follows_the_setting(client, settings, pictured):
    settings.CMS_BLOG = {"GRAPHQL_MAX_LIST_LENGTH": 2}
    assert (
        "2 items"
        in errors_of(
            post_json(client, {"query": SRC_SET, "variables": {"sizes": [400, 800, 1200]}})
        )[0]
    )
    result = data_of(client, SRC_SET, {"sizes": [400, 800]})
    assert result["post"]["thumbnail"]["srcSet"].count("w,") == 1


def test_src_set_answers_each_width_once(client, pictured):
    result = data_of(client, SRC_SET, {"sizes": [800, 400, 800, 800, 400]})
    assert result["post"]["thumbnail"]["srcSet"] == (
        "http://localhost/media/images/photo.width-800.jpg 800w, "
        "http://localhost/media/images/photo.width-400.jpg 400w"
    )


def test_answers_over_the_size_cap_are_refused(client, settings, make_post):
    for number in range(5):
        make_post(f"Post {number}")
    document = "{ posts { items { title intro url } } }"
    assert len(data_of(client, document)["posts"]["items"]) == 5
    settings.CMS_BLOG = {"GRAPHQL_MAX_RESPONSE_BYTES": 300}
    assert errors_of(post_json(client, {"query": document})) == [
        "The answer is larger than 300 bytes: ask for fewer items or fields."
    ]


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    "body, message",
    [
        # 40,000 levels: deeper than Python's JSON parser goes
        (
            '{"query": "{ tags { name } }", "variables": {"a": ' + nested(40_000) + "}}",
            "nested too deeply",
        ),
        # as the whole body
        (nested(40_000), "nested too deeply"),
        # 500 levels parse, and are refused before anything walks them recursively
        (
            '{"query": "{ tags { name } }", "variables": {"a": ' + nested(500) + "}}",
            "nested more than 32",
        ),
        # not JSON
        ('{"query": ', "not valid JSON"),
        # JSON, but not an object
        ("[]", "must be an object"),
        ('"{ tags { name } }"', "must be an object"),
        ("null", "must be an object"),
        # a lone surrogate escape in the variables
        ('{"query": "{ tags { name } }", "variables": {"a": "\\ud800"}}', "not valid Unicode"),
    ],
)
def test_malformed_json_bodies_are_refused(
    db, client, no_traceback_logged, django_assert_num_queries, body, message
):
    with django_assert_num_queries(0):
        response = post_raw(client, body)
    assert message in errors_of(response)[0]


@pytest.mark.parametrize(
    "member, value, message",
    [
        ("query", 1, "query must be a string"),
        ("query", ["{ tags { name } }"], "query must be a string"),
        ("query", {"a": 1}, "query must be a string"),
        ("query", True, "query must be a string"),
        ("variables", [], "variables must be an object"),
        ("variables", 1, "variables must be an object"),
        ("variables", "[1]", "variables must be a JSON object"),  # a string of JSON, not an object
        ("variables", "{nope", "Variables are invalid JSON"),
        ("operationName", 1, "operationName must be a string"),
        ("operationName", {}, "operationName must be a string"),
        ("extensions", [], "extensions must be an object"),
        ("extensions", "x", "extensions must be an object"),
    ],
)
def test_members_of_the_wrong_json_type_are_refused(
    db, client, no_traceback_logged, member, value, message
):
    body = {"query": "{ tags { name } }", member: value}
    assert message in errors_of(post_json(client, body))[0]


def test_null_members_are_missing_members(client, blog_index):
    body = {
        "query": "{ tags { name } }",
        "variables": None,
        "operationName": None,
        "extensions": None,
    }
    assert post_json(client, body).json() == {"data": {"tags": []}}


@pytest.mark.parametrize(
    "request_kwargs, message",
    [
        # a body that is not UTF-8
        (
            {"method": "POST", "data": b'{"query": "{ tags { name \xff } }"}'},
            "body is not valid UTF-8",
        ),
        # a query string that is not, percent-encoded
        (
            {
                "method": "GET",
                "path": ENDPOINT + "?query=%7B%20tags%20%7B%20name%20%FF%20%7D%20%7D",
            },
            "query string is not valid UTF-8",
        ),
        # on a POST too
        (
            {
                "method": "POST",
                "path": ENDPOINT + "?x=%C3",
                "data": b'{"query": "{ tags { name } }"}',
            },
            "query string is not valid UTF-8",
        ),
    ],
)
def test_invalid_utf8_is_refused(db, client, no_traceback_logged, request_kwargs, message):
    response = client.generic(
        request_kwargs["method"],
        request_kwargs.get("path", ENDPOINT),
        request_kwargs.get("data", b""),
        content_type="application/json",
    )
    assert message in errors_of(response)[0]


def test_none_of_these_stored_a_comment(client, make_post):
    post = make_post("Target")
    mutation = "mutation ($i: AddCommentInput!) { addComment(input: $i) { status } }"
    variables = {
        "postId": str(post.pk),
        "authorName": "A",
        "authorEmail": "a@example.com",
        "body": "Hi",
    }
    for body in (
        {"query": mutation, "variables": {"i": variables}, "extensions": []},
        {"query": mutation, "variables": {"i": variables, "pad": [0] * 21}},
        {"query": mutation + "#" * 0 + " " + "\n#" * 3000, "variables": {"i": variables}},
    ):
        assert post_json(client, body).status_code == 400
    assert not Comment.objects.exists()
    # The same mutation, well-formed, is stored: the refusals above are the limits'.
    assert run_query(client, mutation, {"i": variables})["data"]["addComment"]["status"]
    assert Comment.objects.count() == 1


def test_explicit_nulls_mean_the_defaults(client, make_post):
    # Found by the fuzzer (tests/test_fuzz.py): the arguments are nullable, and null was a 500.
    make_post("Vienna")
    document = """{ posts(page: null, perPage: null, order: null) {
      items { title } pagination { perPage } } }"""
    assert data_of(client, document) == {
        "posts": {"items": [{"title": "Vienna"}], "pagination": {"perPage": 10}}
    }
