"""With Redis unreachable, the site degrades instead of breaking: the demo's cache is django-redis
with IGNORE_EXCEPTIONS, so every cache call that cannot reach Redis is a logged miss, and every
public page and GraphQL read still answers 200."""

import logging

import pytest
from django.conf import settings as django_settings

from cms_blog.models import Comment
from tests.graphql_support import ENDPOINT, data_of, run_query

DEMO_CACHE = {
    "BACKEND": "django_redis.cache.RedisCache",
    "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
}


@pytest.fixture
def post(discussed_post):
    return discussed_post


@pytest.fixture
def redis_down(settings, unreachable_redis, caplog):
    """The demo's cache settings, pointed at a closed port; the ignored errors are logged."""
    settings.CACHES = {"default": {**DEMO_CACHE, "LOCATION": unreachable_redis}}
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    with caplog.at_level(logging.ERROR, logger="django_redis.cache"):
        yield caplog


def test_the_demo_uses_django_redis_ignoring_exceptions_when_redis_is_configured():
    # What the tests below stand in for: with REDIS_URL, demo/settings.py configures this cache.
    if "django_redis" not in django_settings.CACHES["default"]["BACKEND"]:
        pytest.skip("REDIS_URL is not set: the demo uses Django's local-memory cache")
    assert django_settings.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert django_settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS is True


@pytest.mark.parametrize(
    "url",
    [
        "{index}",  # the index
        "{index}?tag=congress",  # a tag
        "{index}?q=vienna",  # a search
        "{index}?page=2",  # a page past the end
        "{post}",  # a post, with its discussion
        "{index}feed/",  # the feed
    ],
)
def test_public_pages_answer_while_redis_is_down(client, blog_index, post, redis_down, url):
    urls = {"index": blog_index.url, "post": post.url}  # computed before the outage
    redis_down.clear()
    response = client.get(url.format(**urls))
    assert response.status_code == 200
    assert "Exception ignored" in redis_down.text  # it did try Redis, and said so


def test_a_post_page_shows_its_discussion_while_redis_is_down(client, post, redis_down):
    url = post.url
    assert b"An approved comment." in client.get(url).content


def test_graphql_reads_answer_while_redis_is_down(client, post, redis_down):
    query = """{ posts { items { title url tags { name } } }
      post(slug: "vienna") { comments { body } } tags { name postCount } }"""
    data = data_of(client, query)
    assert data["posts"]["items"][0]["url"] == "http://localhost/blog/vienna/"
    assert data["post"]["comments"] == [{"body": "An approved comment."}]


def test_cached_graphql_reads_are_misses_while_redis_is_down(client, post, redis_down):
    # Over GET, as a CDN asks, and twice: nothing is kept, each answer is computed.
    query = '{ post(slug: "vienna") { title commentCount } }'
    for _ in range(2):
        response = client.get(ENDPOINT, {"query": query}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        assert response.json() == {"data": {"post": {"title": "Vienna", "commentCount": 1}}}
        assert response["X-CMS-Blog-Cache"] == "miss"


ADD_COMMENT = """mutation ($i: AddCommentInput!) { addComment(input: $i) { status errors {
  field messages } } }"""


def test_the_flood_check_fails_open_while_redis_is_down(client, post, redis_down):
    """Decided behaviour: while the cache is down the flood limit is not enforced (fail open),
    so readers can still comment. Every other check still holds -- bot traps, duplicates,
    first-time moderation, the spam checker -- and a flood in the meantime lands in the
    moderation queue, not on the page. Failing closed would tell every reader "you are posting
    too fast" for as long as Redis is down."""
    for number in range(2):
        comment = {
            "postId": str(post.pk),
            "authorName": "Bo",
            "authorEmail": "bo@example.com",
            "body": f"Comment {number} from the same address within FLOOD_SECONDS.",
        }
        result = run_query(client, ADD_COMMENT, {"i": comment})
        assert result["data"]["addComment"]["errors"] == [], result
    assert Comment.objects.filter(author_email="bo@example.com").count() == 2
