"""HTTP caching of the HTML pages: public, tagged answers with an ETag for anonymous readers
without cookies (the post's open comment form included: it carries no CSRF token for them);
private ones for everybody else."""

import datetime

import pytest
from django.http import HttpResponse
from django.utils import timezone

from cms_blog.comments.cookies import remember_pending
from cms_blog.models import get_post_model
from tests.factories import make_comment

DAY = datetime.timedelta(days=1)
START = datetime.date(2024, 1, 1)


def tags_of(response, header: str = "Surrogate-Key", separator: str = " ") -> set[str]:
    return set(response[header].split(separator))


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.fixture
def closed_posts(make_post):
    """Three posts a day apart whose comments are closed (no form, so no CSRF token)."""
    return [make_post(f"Post {n}", date=START + n * DAY, allow_comments=False) for n in range(3)]


def test_the_index_is_public_for_anonymous_readers_without_cookies(client, closed_posts):
    response = client.get(closed_posts[0].get_parent().url)

    assert directives(response) == {"public", "max-age=0", "s-maxage=600"}
    assert "Cookie" in response["Vary"]
    assert response["ETag"]
    assert tags_of(response) == {
        "cms_blog",
        "posts",
        "tags",
        *(f"post:{post.pk}" for post in closed_posts),
    }


def test_a_post_is_tagged_with_its_discussion_neighbours_and_linked_posts(
    client, closed_posts, make_post
):
    older, middle, newer = closed_posts
    linking = make_post(
        "Linking",
        date=START - DAY,
        allow_comments=False,
        body=[("text", f'<p>See <a linktype="page" id="{newer.pk}">this</a>.</p>')],
    )

    assert tags_of(client.get(middle.url)) == {
        "cms_blog",
        f"comments:{middle.pk}",
        *(f"post:{post.pk}" for post in closed_posts),
    }
    assert tags_of(client.get(linking.url)) == {
        "cms_blog",
        f"comments:{linking.pk}",
        f"post:{linking.pk}",
        f"post:{older.pk}",  # its next post
        f"post:{newer.pk}",  # linked from its text
    }


def test_the_feed_is_public_and_tagged_as_a_list(client, closed_posts):
    response = client.get(closed_posts[0].get_parent().url + "feed/")

    assert "public" in directives(response)
    assert tags_of(response) == {"cms_blog", "posts", "tags"}


def test_a_matching_if_none_match_gets_a_304(client, closed_posts):
    url = closed_posts[1].url
    etag = client.get(url)["ETag"]

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_head_requests_get_the_same_headers(client, closed_posts):
    response = client.head(closed_posts[1].url)

    assert "public" in directives(response)
    assert f"post:{closed_posts[1].pk}" in tags_of(response)


@pytest.mark.parametrize(
    "reader",
    [
        pytest.param(lambda client, user: client.cookies.load({"theme": "dark"}), id="any cookie"),
        pytest.param(lambda client, user: client.force_login(user), id="logged in"),
    ],
)
def test_readers_with_cookies_or_logged_in_get_private_answers(
    client, closed_posts, django_user_model, reader
):
    reader(client, django_user_model.objects.create_user("reader", "r@example.com", "pw"))

    response = client.get(closed_posts[1].url)

    assert "private" in directives(response)
    assert "Surrogate-Key" not in response


def test_a_post_with_an_open_comment_form_is_shared_it_hands_out_no_csrf_token(client, post):
    response = client.get(post.url)

    assert 'class="cms-blog-comment-form"' in response.text
    assert "csrfmiddlewaretoken" not in response.text and not response.cookies
    assert directives(response) == {"public", "max-age=0", "s-maxage=600"}
    assert f"comments:{post.pk}" in tags_of(response)


def test_a_logged_in_users_form_carries_their_csrf_token_on_a_private_page(
    client, post, django_user_model
):
    client.force_login(django_user_model.objects.create_user("reader", "r@example.com", "pw"))

    response = client.get(post.url)

    assert "csrfmiddlewaretoken" in response.text and "csrftoken" in response.cookies
    assert "private" in directives(response)


def test_a_page_showing_the_readers_own_held_comment_stays_private(client, rf, post):
    held = make_comment(post, status="pending")
    carrier = HttpResponse()
    remember_pending(rf.get("/"), carrier, held.pk)
    client.cookies.update(carrier.cookies)

    response = client.get(post.url)

    assert "awaiting moderation" in response.text.lower()
    assert "private" in directives(response)


def test_previews_are_private_and_never_stored(closed_posts):
    post = get_post_model().objects.get(pk=closed_posts[1].pk)

    response = post.make_preview_request()

    assert {"private", "no-store"} <= directives(response)


def test_lifetimes_and_the_tag_header_are_configurable(client, closed_posts, settings):
    settings.CMS_BLOG = {
        "CACHE_MAX_AGE": 30,
        "CACHE_S_MAXAGE": 86400,
        "CACHE_TAG_HEADER": "Cache-Tag",
    }

    response = client.get(closed_posts[1].url)

    assert directives(response) == {"public", "max-age=30", "s-maxage=86400"}
    assert "Surrogate-Key" not in response
    assert f"post:{closed_posts[1].pk}" in tags_of(response, "Cache-Tag", ",")


def test_a_long_tag_list_gives_way_to_fallback_tags(client, closed_posts, settings):
    settings.CMS_BLOG = {"CACHE_TAG_HEADER_MAX_BYTES": 30}

    response = client.get(closed_posts[0].get_parent().url)

    assert tags_of(response) == {"cms_blog", "posts", "tags", "skipped:post"}


def test_no_answer_outlives_the_next_expiry_of_a_live_post(client, closed_posts, make_post):
    make_post(
        "Expiring", date=START - DAY, expire_at=timezone.now() + datetime.timedelta(seconds=90)
    )

    max_age = {
        d.split("=")[0]: int(d.split("=")[1])
        for d in directives(client.get(closed_posts[1].url))
        if "=" in d
    }

    assert 80 <= max_age["s-maxage"] <= 90
    assert max_age["max-age"] == 0
