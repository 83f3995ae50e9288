"""Headless preview: the admin hands editors to the frontend with a token that opens the draft."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import RequestFactory

from cms_blog.models import BlogPostSource
from cms_blog.preview import SALT, make_preview_token
from tests.graphql_support import ENDPOINT, data_of

QUERY = """
query ($id: ID, $token: String) {
  post(id: $id, token: $token) {
    title
    tags { name }
    sources { number citation }
    body { ... on TextBlock { html } }
  }
}
"""
INVALID = "The preview token is invalid or has expired."


def ask(client, variables):
    response = client.post(
        ENDPOINT, {"query": QUERY, "variables": variables}, content_type="application/json"
    )
    assert response.status_code == 200
    return response


@pytest.fixture
def edited_post(make_post):
    """A live post with a newer, unpublished revision."""
    post = make_post("Live title", body=[("text", "<p>Live</p>")], sources=["Live source"])
    post.title = "Draft title"
    post.body = [("text", "<p>Draft</p>")]
    post.tags.add("draft-tag")
    post.sources = [BlogPostSource(citation="Draft source")]
    post.save_revision()
    return post


def test_valid_token_opens_latest_draft_uncached(client, edited_post):
    token = make_preview_token(edited_post.pk)
    response = ask(client, {"id": str(edited_post.pk), "token": token})
    assert response.json() == {
        "data": {
            "post": {
                "title": "Draft title",
                "tags": [{"name": "draft-tag"}],
                "sources": [{"number": 1, "citation": "Draft source"}],
                "body": [{"html": "<p>Draft</p>"}],
            }
        }
    }
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_token_opens_a_never_published_post(client, make_post):
    post = make_post("Unpublished", live=False)
    response = ask(client, {"token": make_preview_token(post.pk)})
    assert response.json()["data"]["post"]["title"] == "Unpublished"


DRAFT_FIELDS = "title body { ... on TextBlock { html } } sources { citation }"
LIVE = {
    "title": "Live title",
    "body": [{"html": "<p>Live</p>"}],
    "sources": [{"citation": "Live source"}],
}
DRAFT = {
    "title": "Draft title",
    "body": [{"html": "<p>Draft</p>"}],
    "sources": [{"citation": "Draft source"}],
}


@pytest.mark.parametrize(
    "document, expected",
    [
        # the draft first: it stands in for its post in the list that follows
        (
            f"query ($token: String) {{ post(token: $token) {{ {DRAFT_FIELDS} }} "
            f"posts {{ items {{ {DRAFT_FIELDS} }} }} }}",
            {"post": DRAFT, "posts": {"items": [DRAFT]}},
        ),
        # the list first: it was answered with the live post before the draft was asked for
        (
            f"query ($token: String) {{ posts {{ items {{ {DRAFT_FIELDS} }} }} "
            f"post(token: $token) {{ {DRAFT_FIELDS} }} }}",
            {"posts": {"items": [LIVE]}, "post": DRAFT},
        ),
    ],
)
def test_a_draft_and_its_live_post_in_one_document(client, edited_post, document, expected):
    token = make_preview_token(edited_post.pk)
    assert data_of(client, document, {"token": token}) == expected


def expired_token(page_id: int) -> str:
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3601):
        return make_preview_token(page_id)


@pytest.mark.parametrize(
    "make_token, use_other_id",
    [
        (lambda pk: "not-a-token", False),  # garbage
        (lambda pk: make_preview_token(pk)[:-2] + "xx", False),  # signature tampered with
        (lambda pk: signing.dumps({"page": pk}, salt="another.salt"), False),  # forged elsewhere
        (lambda pk: signing.dumps({"page": pk}, salt=SALT, key="guess"), False),  # wrong key
        (expired_token, False),  # older than PREVIEW_TOKEN_MAX_AGE
        (lambda pk: make_preview_token(pk), True),  # issued for another page
        (lambda pk: make_preview_token(pk + 1000), False),  # for a page that does not exist
    ],
)
def test_bad_token_gives_null_and_one_generic_error(client, edited_post, make_token, use_other_id):
    other = edited_post.get_parent()
    page_id = other.pk if use_other_id else edited_post.pk
    response = ask(client, {"id": str(page_id), "token": make_token(edited_post.pk)})
    result = response.json()
    assert result["data"] == {"post": None}
    assert [error["message"] for error in result["errors"]] == [INVALID]
    assert "no-store" in response["Cache-Control"]


def test_token_of_a_non_post_page_is_refused(client, blog_index):
    result = ask(client, {"token": make_preview_token(blog_index.pk)}).json()
    assert result["data"] == {"post": None}
    assert [error["message"] for error in result["errors"]] == [INVALID]


def test_admin_preview_hands_editor_to_frontend(settings, edited_post):
    settings.CMS_BLOG = {"PREVIEW_URL": "https://front.example/api/preview"}
    request = RequestFactory().get("/")
    response = edited_post.serve_preview(request, edited_post.default_preview_mode)

    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://front.example/api/preview"
    query = parse_qs(url.query)
    assert query["id"] == [str(edited_post.pk)]
    assert signing.loads(query["token"][0], salt=SALT) == {"page": edited_post.pk}


def test_admin_preview_renders_template_without_preview_url(rf, edited_post):
    request = rf.get("/")
    request.user = mock.Mock(is_authenticated=True)
    response = edited_post.serve_preview(request, edited_post.default_preview_mode)
    assert response.status_code == 200
