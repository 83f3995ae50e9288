"""The demo loader (`make demo`): idempotent, every block type, cited sources that exist, the
reference discussion, working logins, and pages and GraphQL that serve the content."""

import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Site

from cms_blog.models import BlogIndexPage, BlogPostPage, Comment
from cms_blog.video import parse_video_url
from tests.graphql_support import data_of


@pytest.fixture
def demo(db) -> str:
    """Load the demo twice, as a second `make demo` would; the first run's output."""
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    call_command("load_demo", stdout=io.StringIO())
    return output.getvalue()


def blocks_of(kind: str) -> list:
    return [
        block.value
        for post in BlogPostPage.objects.all()
        for block in post.body
        if block.block_type == kind
    ]


def test_loading_twice_duplicates_nothing(demo):
    assert BlogIndexPage.objects.count() == 1
    assert BlogPostPage.objects.live().count() == 4
    assert get_image_model().objects.count() == 5
    assert Comment.objects.count() == 10
    assert get_user_model().objects.count() == 2


def test_the_blog_is_the_site_home_and_every_page_serves(client, demo):
    home = client.get("/")
    assert home.status_code == 200
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class is BlogIndexPage
    assert site.root_url == "http://127.0.0.1:8000"  # where `make demo` serves it
    titles = [
        a.get_text()
        for a in BeautifulSoup(home.content, "html.parser").select(".cms-blog-list h2 a")
    ]
    assert sorted(titles) == sorted(BlogPostPage.objects.values_list("title", flat=True))
    for post in BlogPostPage.objects.all():
        assert client.get(post.url).status_code == 200, post.url


def test_posts_use_every_block_both_video_providers_and_cite_existing_sources(demo):
    assert {block.block_type for post in BlogPostPage.objects.all() for block in post.body} == {
        "text",
        "figure",
        "video",
        "quote",
    }
    assert {parse_video_url(video["url"]).provider for video in blocks_of("video")} == {
        "youtube",
        "vimeo",
    }
    cited = 0
    for post in BlogPostPage.objects.all():
        for block in post.body:
            number = block.value.get("source") if block.block_type in ("figure", "quote") else None
            if number:
                cited += 1
                assert number in post.numbered_sources, (post.title, block.block_type, number)
    assert cited >= 2
    assert all(post.tags.exists() for post in BlogPostPage.objects.all())


def test_discussion_like_the_reference_post(client, demo):
    post = BlogPostPage.objects.get(
        comments__isnull=False, comments__parent=None, comments__status="pending"
    )
    comments = post.comments.all()
    approved = comments.filter(status=Comment.Status.APPROVED)
    replies = approved.filter(parent__isnull=False)

    assert approved.count() == 8
    assert comments.filter(status=Comment.Status.PENDING).count() == 1
    assert comments.filter(status=Comment.Status.SPAM).count() == 1
    assert {reply.user.username for reply in replies} == {"admin", "instructor"}
    assert post.owner.username == "admin"  # the author's reply is the post owner's

    html = client.get(post.url).content.decode()
    assert f"8 thoughts on “{post.title}”" in html
    assert "Priya Shah" not in html and "Cheap Essays" not in html
    assert "@example.com" not in html


def test_printed_logins_work(client, demo):
    assert "user: admin  password: admin" in demo
    assert "user: instructor  password: instructor" in demo

    assert client.login(username="admin", password="admin")
    assert client.get("/admin/").status_code == 200

    client.logout()
    assert client.login(username="instructor", password="instructor")
    # The instructor moderates comments but is no superuser.
    assert client.get("/admin/cms_blog/comment/").status_code == 200
    assert not get_user_model().objects.get(username="instructor").is_superuser


def test_graphql_serves_the_demo(client, demo):
    data = data_of(client, "{ posts { pagination { total } items { title commentCount } } }")

    assert data["posts"]["pagination"]["total"] == 4
    assert sorted(item["commentCount"] for item in data["posts"]["items"]) == [0, 0, 0, 8]
