"""Privacy: exporting and erasing one commenter's data; what is (not) stored."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cms_blog.models import Comment


@pytest.fixture
def comments(post):
    def make(email, body, **fields):
        return Comment.objects.create(
            post=post,
            author_name="Ada",
            author_email=email,
            author_url=f"https://{email.split('@')[0].lower()}.example/",
            body=body,
            ip_address="192.0.2.10",
            user_agent="Firefox",
            status=Comment.Status.APPROVED,
            **fields,
        )

    first = make("ada@example.com", "First")
    reply = make("ADA@Example.com", "Second", parent=first)
    other = make("bob@example.com", "Bob's")
    return first, reply, other


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_prints_every_comment_of_the_email_as_json(comments, post):
    first, reply, _other = comments

    data = json.loads(run("export_comments", "Ada@example.com"))

    assert [item["id"] for item in data] == [first.pk, reply.pk]
    assert data[0]["post"] == {"id": post.pk, "title": "Vienna"}
    assert data[0]["ip_address"] == "192.0.2.10"
    assert data[0]["author_email"] == "ada@example.com"
    assert data[1]["parent_id"] == first.pk
    assert data[1]["body"] == "Second"
    assert data[0]["created_at"]
    assert data[0]["moderation_reason"] == ""  # a site's rule could note something personal


def test_export_of_unknown_email_is_an_empty_list(comments):
    assert json.loads(run("export_comments", "nobody@example.com")) == []


def test_erase_anonymises_and_keeps_the_text(comments, client, post):
    first, reply, other = comments

    assert "Anonymised 2 comment(s)." in run("erase_comments", "ada@EXAMPLE.com")

    for comment in (first, reply):
        comment.refresh_from_db()
        assert comment.author_name == "Anonymous"
        assert comment.author_email == ""
        assert comment.author_url == ""
        assert comment.ip_address is None
        assert comment.user_agent == ""
        assert comment.status == Comment.Status.APPROVED
    assert [first.body, reply.body] == ["First", "Second"]
    other.refresh_from_db()
    assert other.author_name == "Ada" and other.ip_address == "192.0.2.10"
    assert json.loads(run("export_comments", "ada@example.com")) == []
    page = client.get(post.url).content.decode()
    assert "Anonymous" in page and "ada.example" not in page


def test_erase_needs_an_email():
    with pytest.raises(CommandError):
        run("erase_comments", "  ")
