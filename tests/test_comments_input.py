"""Hostile and odd input to the comment form: each gets one clear error, and nothing is stored."""

import time
from urllib.parse import quote_from_bytes

import pytest
from bs4 import BeautifulSoup

from cms_blog.comments.forms import CommentForm, CommentPageForm, form_timestamp
from cms_blog.models import Comment


def send(client, post, issued_ago: float = 60, **fields):
    data = {
        "body": "A fair point.",
        "author_name": "Bea",
        "author_email": "bea@example.com",
        "timestamp": form_timestamp(post.pk, time.time() - issued_ago),
        **fields,
    }
    return client.post(f"/comments/post/{post.pk}/", data)


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(strip=True) for item in soup.select(".errorlist li")]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ('https://a.example/"onmouseover="x', "Enter a website address without quotes"),
        ("https://a.example/<script>", "Enter a website address without quotes"),
        ("https://a.example/`x`", "Enter a website address without quotes"),
        ("https://a.example/a b", "Enter a website address without quotes"),
        ("javascript:alert(1)", "Enter a website address starting with http:// or https://."),
        ("ftp://files.example/", "Enter a website address starting with http:// or https://."),
        ("https://", "Enter a valid URL."),
    ],
)
def test_websites_are_validated_strictly_with_one_message(client, post, url, message):
    response = send(client, post, author_url=url)

    assert response.status_code == 400
    [error] = errors(response)  # one message for one field
    assert error.startswith(message)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://münchen.example/blog", "https://xn--mnchen-3ya.example/", "http://a.example"]
)
def test_international_and_plain_websites_are_accepted(url):
    form = CommentForm(
        data={
            "body": "Hi",
            "author_name": "Bea",
            "author_email": "b@example.com",
            "author_url": url,
        }
    )
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("field", ["author_name", "body"])
@pytest.mark.parametrize(
    ("invisible", "message"),
    [
        ("\u200b\u200b", "Write something readers can see."),  # zero-width spaces
        ("\u202e\u2066", "Write something readers can see."),  # bidirectional controls
        ("\ufeff", "Write something readers can see."),  # a byte-order mark
        ("\u00a0\u3000 ", "This field is required."),  # spaces only: stripped to nothing
    ],
)
def test_names_and_comments_readers_cannot_see_are_refused(client, post, field, invisible, message):
    response = send(client, post, **{field: invisible})

    assert response.status_code == 400
    assert errors(response) == [message]
    assert not Comment.objects.exists()


def test_a_form_left_open_too_long_asks_again_and_keeps_the_text(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_FORM_MAX_AGE": 3600}

    response = send(client, post, issued_ago=7200, body="Written long ago")

    assert response.status_code == 400
    assert not Comment.objects.exists()
    soup = BeautifulSoup(response.content, "html.parser")
    assert "This page was open for a long time" in soup.select_one(".cms-blog-comment-errors").text
    assert soup.select_one("textarea[name=body]").text.strip() == "Written long ago"
    # A fresh timestamp, so that the reader can send it again.
    fresh = soup.select_one("input[name=timestamp]")["value"]
    assert CommentPageForm({"timestamp": fresh}, post_id=post.pk).form_age() < 60


def test_a_replayed_form_is_not_taken_as_a_new_comment(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_FORM_MAX_AGE": 60}

    response = send(client, post, issued_ago=3 * 24 * 3600)

    assert response.status_code == 400
    assert not Comment.objects.exists()


UNREADABLE = "This text could not be read (it is not valid UTF-8). Please type it again."


@pytest.mark.parametrize(
    "field",
    [
        "body",  # the comment
        "author_name",  # the name
        "author_url",  # the website
    ],
)
def test_invalid_utf8_in_a_form_post_is_refused(client, post, field, caplog):
    # Django decodes the bytes with replacement characters; the form refuses them.
    fields = {
        "body": b"A fair point.",
        "author_name": b"Bea",
        "author_email": b"bea@example.com",
        "author_url": b"https://bea.example/",
        "timestamp": form_timestamp(post.pk, time.time() - 60).encode(),
        field: b"caf\xe9 \xff",
    }
    raw = b"&".join(
        name.encode() + b"=" + quote_from_bytes(value).encode() for name, value in fields.items()
    )
    response = client.post(
        f"/comments/post/{post.pk}/", raw, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert errors(response) == [UNREADABLE]
    assert not Comment.objects.exists()
    assert not any(record.exc_info for record in caplog.records)


def test_invalid_utf8_in_the_search_box_is_a_field_error(client, blog_index, post):
    response = client.get(f"{blog_index.url}?q=caf%E9")
    assert response.status_code == 200
    assert UNREADABLE in errors(response)
