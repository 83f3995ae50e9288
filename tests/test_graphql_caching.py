"""The GraphQL response cache and HTTP caching: anonymous reads answered from Django's cache
without executing or querying, GET answers shared with a CDN (tags, ETag, 304), and private
answers for everybody else."""

import datetime
import json

import pytest
from django.utils import timezone

from cms_blog.graphql.caching import MAX_AGE_DIRECTIVE
from cms_blog.graphql.views import BlogGraphQLView
from cms_blog.models import get_post_model
from tests.factories import make_comment
from tests.graphql_support import CACHE_STATUS, ENDPOINT, LIST_READ, read

MUTATION = """mutation {
  addComment(input: {postId: "0", authorName: "A", authorEmail: "a@example.com", body: "B"}) {
    errors { field }
  }
}"""
QUERY = "query One($id: ID!) { post(id: $id) { title commentCount tags { name } } }"
# The same document, written otherwise: the cache compares documents parsed.
REWRITTEN = """
# a comment
query One($id: ID!) {
  post(id: $id) {
    title
    commentCount
    tags { name }
  }
}
"""


pytestmark = pytest.mark.usefixtures("same_clock")


def get(client, query: str, variables: dict | None = None, **extra):
    params = {"query": query}
    if variables is not None:
        params["variables"] = json.dumps(variables)
    return client.get(ENDPOINT, params, HTTP_ACCEPT="application/json", **extra)


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.fixture
def tagged_post(make_post):
    post = make_post("Vienna", tags=["congress"])
    make_comment(post, body="An approved comment.")
    return post


def test_a_repeated_read_is_answered_from_the_cache_without_sql(
    client, tagged_post, django_assert_num_queries
):
    variables = {"id": str(tagged_post.pk)}
    executed, status = read(client, QUERY, variables)
    assert status == "miss"

    with django_assert_num_queries(0):
        served, status = read(client, REWRITTEN, variables)

    assert status == "hit"
    assert (
        served
        == executed
        == {
            "data": {"post": {"title": "Vienna", "commentCount": 1, "tags": [{"name": "congress"}]}}
        }
    )


def test_a_get_answered_before_is_served_before_anything_is_parsed_or_checked(
    client, tagged_post, monkeypatch, django_assert_num_queries
):
    variables = {"id": str(tagged_post.pk)}
    executed = get(client, QUERY, variables)
    assert executed[CACHE_STATUS] == "miss"

    def not_reached(*args, **kwargs):
        raise AssertionError("the request was parsed or checked again")

    for step in ("refuse", "parse_body", "get_graphql_params", "parse"):
        monkeypatch.setattr(BlogGraphQLView, step, not_reached)
    with django_assert_num_queries(0):
        served = get(client, QUERY, variables)

    assert (served.status_code, served[CACHE_STATUS]) == (200, "hit")
    assert served.content == executed.content
    assert served["ETag"] == executed["ETag"]
    assert served["Cache-Control"] == executed["Cache-Control"]


def test_a_get_written_otherwise_is_found_by_its_printed_document(client, tagged_post):
    variables = {"id": str(tagged_post.pk)}
    assert get(client, QUERY, variables)[CACHE_STATUS] == "miss"

    assert get(client, REWRITTEN, variables)[CACHE_STATUS] == "hit"


def test_graphiql_is_still_served_for_a_query_the_cache_has(client, settings, tagged_post):
    settings.CMS_BLOG = {"GRAPHQL_GRAPHIQL": True}
    variables = {"id": str(tagged_post.pk)}
    get(client, QUERY, variables)
    assert get(client, QUERY, variables)[CACHE_STATUS] == "hit"

    page = client.get(
        ENDPOINT, {"query": QUERY, "variables": json.dumps(variables)}, HTTP_ACCEPT="text/html"
    )

    assert page["Content-Type"].startswith("text/html")
    assert b'<div id="editor">' in page.content


def test_other_variables_are_other_answers(client, make_post):
    first, second = make_post("First"), make_post("Second")
    read(client, QUERY, {"id": str(first.pk)})

    answer, status = read(client, QUERY, {"id": str(second.pk)})
    assert status == "miss"
    assert answer["data"]["post"]["title"] == "Second"


def test_answers_with_errors_are_not_kept(client, tagged_post):
    broken = "{ post { title } }"  # no id, slug or urlPath: a field error
    for _ in range(2):
        answer, status = read(client, broken)
        assert answer["errors"]
        assert status == "miss"


def test_mutations_and_logged_in_readers_bypass_the_cache(client, tagged_post, owner):
    response = client.post(ENDPOINT, {"query": MUTATION}, content_type="application/json")
    assert CACHE_STATUS not in response

    client.force_login(owner)
    read(client, QUERY, {"id": str(tagged_post.pk)})
    answer, status = read(client, QUERY, {"id": str(tagged_post.pk)})
    assert status is None
    assert answer["data"]["post"]["title"] == "Vienna"


def test_the_cache_can_be_turned_off(client, settings, tagged_post):
    settings.CMS_BLOG = {"GRAPHQL_RESPONSE_CACHE": False}
    read(client, QUERY, {"id": str(tagged_post.pk)})
    assert read(client, QUERY, {"id": str(tagged_post.pk)})[1] is None


def test_a_settings_change_starts_afresh(client, settings, make_post):
    for n in range(3):
        make_post(f"Post {n}")
    assert len(read(client, LIST_READ)[0]["data"]["posts"]["items"]) == 3

    settings.CMS_BLOG = {"GRAPHQL_MAX_PAGE_SIZE": 2}

    answer, status = read(client, LIST_READ)
    assert status == "miss"
    assert len(answer["data"]["posts"]["items"]) == 2


def test_no_answer_outlives_the_next_expiry(client, make_post, monkeypatch):
    post = make_post("Soon gone")
    variables = {"id": str(post.pk)}
    get_post_model().objects.filter(pk=post.pk).update(
        expire_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    stored = {}
    from cms_blog.graphql import caching

    real_set = caching.responses.set

    def recording_set(key, value, tags, *, started_at, timeout):
        stored["timeout"] = timeout
        real_set(key, value, tags, started_at=started_at, timeout=timeout)

    monkeypatch.setattr(caching.responses, "set", recording_set)
    read(client, QUERY, variables)
    assert stored["timeout"] <= 1


# HTTP ------------------------------------------------------------------------------------------


def test_an_anonymous_get_is_public_tagged_and_carries_an_etag(client, tagged_post):
    response = get(client, QUERY, {"id": str(tagged_post.pk)})

    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=0", "s-maxage=600"}
    assert {"Accept", "Cookie"} <= {part.strip() for part in response["Vary"].split(",")}
    assert response["ETag"]
    assert not response.cookies  # no CSRF cookie: a CDN would not share the answer
    assert set(response["Surrogate-Key"].split()) == {
        "cms_blog",
        f"post:{tagged_post.pk}",
        f"comments:{tagged_post.pk}",
    }  # the tags' names are the post's (a rename invalidates post:<id>); no counts asked for
    assert response[CACHE_STATUS] == "miss"
    assert get(client, QUERY, {"id": str(tagged_post.pk)})[CACHE_STATUS] == "hit"


def test_lists_are_tagged_as_lists(client, make_post):
    posts = [make_post(f"Post {n}") for n in range(2)]

    response = get(client, "{ posts { items { title } } }")

    assert set(response["Surrogate-Key"].split()) == {
        "cms_blog",
        "posts",
        *(f"post:{post.pk}" for post in posts),
    }


def test_the_max_ages_are_configurable_and_capped_to_the_next_expiry(client, settings, make_post):
    settings.CMS_BLOG = {"GRAPHQL_CACHE_MAX_AGE": 30, "GRAPHQL_CACHE_S_MAXAGE": 900}
    make_post("Soon gone", expire_at=timezone.now() + datetime.timedelta(seconds=100))

    found = directives(get(client, "{ tags { name } }"))

    assert {"public", "max-age=30"} <= found
    (s_maxage,) = found - {"public", "max-age=30"}
    assert 95 <= int(s_maxage.removeprefix("s-maxage=")) <= 100


def test_a_matching_if_none_match_gets_a_304_from_the_cache(
    client, tagged_post, django_assert_num_queries
):
    etag = get(client, QUERY, {"id": str(tagged_post.pk)})["ETag"]

    with django_assert_num_queries(0):
        response = get(client, QUERY, {"id": str(tagged_post.pk)}, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response[CACHE_STATUS] == "hit"


def test_the_tag_header_is_bounded(client, settings, make_post):
    settings.CMS_BLOG = {"CACHE_TAG_HEADER": "xkey", "CACHE_TAG_HEADER_MAX_BYTES": 40}
    for n in range(5):
        make_post(f"Post {n}")

    response = get(client, "{ posts { items { title commentCount } } }")

    assert set(response["xkey"].split()) == {
        "cms_blog",
        "posts",
        "skipped:post",
        "skipped:comments",
    }


@pytest.mark.parametrize(
    "ask",
    [
        pytest.param(
            lambda client, post: client.post(
                ENDPOINT,
                {"query": QUERY, "variables": {"id": str(post.pk)}},
                content_type="application/json",
            ),
            id="a POST",
        ),
        pytest.param(
            lambda client, post: get(client, QUERY, {"id": str(post.pk)}, HTTP_COOKIE="a=b"),
            id="a GET with a cookie",
        ),
        pytest.param(lambda client, post: get(client, "{ post { title } }"), id="an error"),
    ],
)
def test_other_answers_are_private(client, tagged_post, ask):
    response = ask(client, tagged_post)

    assert response.status_code in (200, 400)
    assert directives(response) == {"private"}
    assert "Surrogate-Key" not in response


def test_a_logged_in_readers_get_is_private(client, tagged_post, owner):
    client.force_login(owner)

    assert directives(get(client, QUERY, {"id": str(tagged_post.pk)})) == {"private"}


def test_a_preview_is_private_and_never_stored(client, tagged_post):
    from cms_blog.preview import make_preview_token

    preview = "query P($id: ID, $token: String) { post(id: $id, token: $token) { title } }"
    variables = {"id": str(tagged_post.pk), "token": make_preview_token(tagged_post.pk)}

    first = get(client, preview, variables)
    second = get(client, preview, variables)

    assert directives(first) == {"private", "no-store"}
    assert (first[CACHE_STATUS], second[CACHE_STATUS]) == ("miss", "miss")


def test_a_mutation_over_get_is_refused(client, db):
    response = get(client, MUTATION)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["errors"][0]["message"] == (
        "Can only perform a mutation operation from a POST request."
    )


def test_the_max_age_directive_is_read_from_a_comment_line():
    assert MAX_AGE_DIRECTIVE.search("# @maxAge 60\n{ tags { name } }").group(1) == "60"
    assert MAX_AGE_DIRECTIVE.search('{ tags { name } } # "@maxAge 60" in a string') is None


def test_a_post_is_tagged_with_the_posts_its_text_links_to(client, make_post):
    target = make_post("Target")
    text = (
        f'<p><a linktype="page" id="{target.pk}">A post</a>, '
        '<a linktype="page" id="²">an odd id</a>.</p>'
    )
    linking = make_post("Linking", body=[("text", text)])
    query = "query T($id: ID!) { post(id: $id) { body { ... on TextBlock { html } } } }"

    response = get(client, query, {"id": str(linking.pk)})

    assert response.status_code == 200
    assert set(response["Surrogate-Key"].split()) == {
        "cms_blog",
        f"post:{linking.pk}",
        f"post:{target.pk}",
    }
