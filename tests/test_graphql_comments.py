"""Comments through GraphQL: the public thread, and addComment under the page form's rules."""

import pytest

from cms_blog.models import Comment
from tests.factories import make_comment
from tests.graphql_support import ENDPOINT, data_of, run_query

EMAIL = "reader@example.com"

THREAD = """
fragment c on Comment { id parentId authorName authorUrl body bodyHtml depth createdAt }
query ($slug: String) {
  post(slug: $slug) { commentCount comments { ...c replies { ...c replies { ...c } } } }
}
"""

ADD = """
mutation ($input: AddCommentInput!) {
  addComment(input: $input) {
    status
    comment { id parentId authorName authorUrl body bodyHtml depth replies { id } }
    errors { field messages }
  }
}
"""


def test_thread_shows_approved_comments_oldest_first_with_replies(client, make_post):
    post = make_post("Discussed")
    first = make_comment(
        post, body="First <script>alert(1)</script>", author_url="https://a.example"
    )
    make_comment(post, body="Second", author_url="javascript:alert(1)")
    reply = make_comment(post, parent=first, body="Reply")
    make_comment(post, parent=reply, body="Reply to reply")
    make_comment(post, body="Pending", status="pending")
    make_comment(post, body="Spam", status="spam")
    make_comment(post, parent=first, body="Trashed reply", status="trash")

    response = client.post(
        ENDPOINT,
        {"query": THREAD, "variables": {"slug": "discussed"}},
        content_type="application/json",
    )
    assert b"@example.com" not in response.content  # no comment's email leaks
    data = response.json()["data"]["post"]

    assert data["commentCount"] == 4
    assert [c["body"] for c in data["comments"]] == [first.body, "Second"]
    top = data["comments"][0]
    assert top["parentId"] is None and top["depth"] == 0
    assert top["authorUrl"] == "https://a.example"
    assert "&lt;script&gt;" in top["bodyHtml"] and "<script>" not in top["bodyHtml"]
    assert data["comments"][1]["authorUrl"] is None  # not http(s): never returned
    assert data["comments"][1]["replies"] == []
    (reply_data,) = top["replies"]
    assert (reply_data["body"], reply_data["parentId"], reply_data["depth"]) == (
        "Reply",
        str(first.pk),
        1,
    )
    assert [r["body"] for r in reply_data["replies"]] == ["Reply to reply"]


def test_comments_query_of_visible_and_hidden_posts(client, make_post):
    shown = make_post("Shown")
    hidden = make_post("Hidden", live=False)
    make_comment(shown, body="Visible")
    make_comment(hidden, body="Invisible")
    query = "query ($id: ID!) { comments(postId: $id) { body replies { body } } }"
    assert data_of(client, query, {"id": str(shown.pk)}) == {
        "comments": [{"body": "Visible", "replies": []}]
    }
    assert data_of(client, query, {"id": str(hidden.pk)}) == {"comments": []}
    assert data_of(client, query, {"id": "nope"}) == {"comments": []}


def add(client, post, **fields) -> dict:
    values = {"postId": str(post.pk), "authorName": "Ann", "authorEmail": EMAIL, "body": "Nice"}
    response = client.post(
        ENDPOINT,
        {"query": ADD, "variables": {"input": values | fields}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert EMAIL.encode() not in response.content
    result = response.json()
    assert "errors" not in result
    return result["data"]["addComment"]


@pytest.mark.parametrize(
    "moderation, status",
    [
        ("none", "PUBLISHED"),  # no moderation: public at once
        ("all", "PENDING"),  # every comment waits for a moderator
        ("first-time", "PENDING"),  # a first-time commenter waits
    ],
)
def test_add_comment_stores_and_returns_it(client, settings, make_post, moderation, status):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": moderation}
    post = make_post("Open")
    result = add(client, post, authorUrl="https://ann.example", body="Nice\n\npost")

    stored = Comment.objects.get()
    assert result["status"] == status
    assert result["errors"] == []
    assert result["comment"] == {
        "id": str(stored.pk),
        "parentId": None,
        "authorName": "Ann",
        "authorUrl": "https://ann.example",
        "body": "Nice\n\npost",
        "bodyHtml": "<p>Nice</p>\n\n<p>post</p>",
        "depth": 0,
        "replies": [],
    }


def test_add_reply(client, settings, make_post):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none"}
    post = make_post("Open")
    parent = make_comment(post)
    result = add(client, post, parentId=str(parent.pk))
    assert (result["status"], result["comment"]["parentId"], result["comment"]["depth"]) == (
        "PUBLISHED",
        str(parent.pk),
        1,
    )


def closed(post):
    post.allow_comments = False
    post.save()


def deep_parent(post):
    parent = None
    for _ in range(5):  # MAX_DEPTH is 5: a reply to depth 4 would be depth 5
        parent = make_comment(post, parent=parent)
    return {"parentId": str(parent.pk)}


@pytest.mark.parametrize(
    "prepare, fields, field",
    [
        (None, {"authorEmail": "not-an-email"}, "authorEmail"),  # invalid email
        (None, {"authorName": ""}, "authorName"),  # empty name
        (None, {"body": "   "}, "body"),  # empty body
        (None, {"authorUrl": "javascript:alert(1)"}, "authorUrl"),  # not an http(s) URL
        (None, {"postId": "abc"}, "postId"),  # not an id
        (None, {"postId": "999999"}, "postId"),  # no such post
        (None, {"parentId": "abc"}, "parentId"),  # not an id
        (None, {"parentId": "999999"}, "parentId"),  # no such comment
        (lambda post: {"parentId": str(make_comment(post, status="pending").pk)}, {}, "parentId"),
        # ^ replying to a comment that is not approved
        (deep_parent, {}, "parentId"),  # nested deeper than MAX_DEPTH
        (lambda post: closed(post) or {}, {}, "__all__"),  # comments closed on the post
        (
            lambda post: make_comment(post, body="Nice", author_email=EMAIL) and {},
            {},
            "__all__",
        ),  # duplicate
    ],
)
def test_add_comment_refusals(client, make_post, prepare, fields, field):
    post = make_post("Open")
    fields = (prepare(post) if prepare else {}) | fields
    before = Comment.objects.count()

    result = add(client, post, **fields)

    assert result["status"] is None and result["comment"] is None
    assert [error["field"] for error in result["errors"]] == [field]
    assert all(result["errors"][0]["messages"])
    assert Comment.objects.count() == before


def test_add_comment_refused_for_hidden_post(client, make_post):
    post = make_post("Draft", live=False)
    result = add(client, post)
    assert result["errors"][0]["field"] == "postId"
    assert not Comment.objects.exists()


def test_add_comment_refuses_flooding(client, make_post):
    post = make_post("Open")
    assert add(client, post, body="One")["errors"] == []
    result = add(client, post, body="Two")
    assert [error["field"] for error in result["errors"]] == ["__all__"]
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "trusted_header, expected_ip",
    [
        (None, "10.0.0.1"),  # no proxy configured: the header is ignored
        ("HTTP_X_FORWARDED_FOR", "203.0.113.9"),  # the proxy's header, rightmost entry
    ],
)
def test_client_ip_comes_only_from_trusted_header(
    client, settings, make_post, trusted_header, expected_ip
):
    settings.CMS_BLOG = {"TRUSTED_PROXY_HEADER": trusted_header}
    post = make_post("Open")
    values = {"postId": str(post.pk), "authorName": "Ann", "authorEmail": EMAIL, "body": "Hi"}
    run_query(
        client,
        ADD,
        {"input": values},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )
    assert Comment.objects.get().ip_address == expected_ip
