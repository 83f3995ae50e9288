"""Shared fixtures: a blog index under the default site, and factories for posts and images."""

import io
import socket
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms_blog.models import BlogIndexPage, BlogPostPage, BlogPostSource, Comment


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded images go to a temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def playwright_before_the_database(request: pytest.FixtureRequest) -> None:
    """When browser journeys will run, start Playwright before anything touches the database.

    Once started, Playwright's sync API runs test code in another contextvars context, and Django
    keeps its connections in context-locals: a test database set up earlier (by a unit test) would
    leave the journeys a fresh connection without the serialized contents that
    ``serialized_rollback`` restores Wagtail's initial pages and site from."""
    if any(
        item.get_closest_marker("browser") and not item.get_closest_marker("skip")
        for item in request.session.items
    ):
        request.getfixturevalue("playwright")


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache outlives each test's database: flood counters and Wagtail's cached site root
    paths from one test must not reach the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unreachable_redis() -> str:
    """A Redis URL on a loopback port nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def site_root(db) -> Page:
    return Site.objects.get(is_default_site=True).root_page


@pytest.fixture
def blog_index(site_root) -> BlogIndexPage:
    index = BlogIndexPage(title="Blog", slug="blog", intro="<p>Notes from the course.</p>")
    site_root.add_child(instance=index)
    return index


@pytest.fixture
def make_image(db) -> Callable[..., object]:
    def make(title: str = "Map", width: int = 1600, height: int = 1000, **fields):
        buffer = io.BytesIO()
        PILImage.new("RGB", (width, height), (40, 90, 160)).save(buffer, "JPEG")
        return get_image_model().objects.create(
            title=title, file=ImageFile(buffer, name=f"{title.lower()}.jpg"), **fields
        )

    return make


@pytest.fixture
def make_post(blog_index) -> Callable[..., BlogPostPage]:
    """Create a post under the blog index; ``live=False`` leaves it an unpublished draft."""

    def make(
        title: str = "A post",
        *,
        body: list | None = None,
        sources: list[str] | None = None,
        tags: list[str] | None = None,
        parent: Page | None = None,
        live: bool = True,
        **fields,
    ) -> BlogPostPage:
        post = BlogPostPage(title=title, body=body or [], **fields)
        post.sources = [BlogPostSource(citation=citation) for citation in sources or []]
        (parent or blog_index).add_child(instance=post)
        if tags:
            post.tags.add(*tags)
        revision = post.save_revision()
        if live:
            revision.publish()
        else:
            post.unpublish()
        post.refresh_from_db()
        return post

    return make


@pytest.fixture
def discussed_post(make_post, make_image) -> BlogPostPage:
    """A post with a tag, a figure and one approved comment: something for every public page
    and GraphQL read to show."""
    post = make_post("Vienna", tags=["congress"], body=[("figure", {"image": make_image("Map")})])
    Comment.objects.create(
        post=post,
        author_name="Ann",
        author_email="ann@example.com",
        body="An approved comment.",
        status=Comment.Status.APPROVED,
    )
    return post
