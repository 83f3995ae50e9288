"""Shared fixtures: a blog index under the default site, a post, and factories for posts and
images (comments: tests/factories.py). They build the models in use (``get_post_model()``…), so
the custom base page project (tests/custom_base_page/) runs on them too."""

import io
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms_blog.models import BlogPostSource, get_index_model, get_post_model
from tests.factories import make_comment

CUSTOM_BASE_PAGE = Path(__file__).parent / "custom_base_page"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/custom_base_page/ runs on its own settings (``make test`` runs it separately)."""
    if collection_path == CUSTOM_BASE_PAGE or CUSTOM_BASE_PAGE in collection_path.parents:
        return os.environ.get("DJANGO_SETTINGS_MODULE") != "tests.custom_base_page.settings"
    return None


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
def same_clock(monkeypatch) -> None:
    """No allowance for the clocks of other servers in the tagged cache (``CLOCK_MARGIN``): a
    test reads within milliseconds of its fixtures' invalidations, which would make every
    answer it caches look older than them."""
    from cms_blog.cache import store

    monkeypatch.setattr(store, "CLOCK_MARGIN", 0)


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
def blog_index(site_root) -> Page:
    index = get_index_model()(title="Blog", slug="blog", intro="<p>Notes from the course.</p>")
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
def make_post(blog_index) -> Callable[..., Page]:
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
    ) -> Page:
        post = get_post_model()(title=title, body=body or [], **fields)
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
def owner(django_user_model):
    """The user who owns ``post``: an author with an account."""
    return django_user_model.objects.create_user("owner", "owner@example.com", "pw")


@pytest.fixture
def post(make_post, owner) -> Page:
    """A live post, owned by ``owner``."""
    return make_post("Vienna", owner=owner)


@pytest.fixture
def discussed_post(make_post, make_image) -> Page:
    """A post with a tag, a figure and one approved comment: something for every public page
    and GraphQL read to show."""
    post = make_post("Vienna", tags=["congress"], body=[("figure", {"image": make_image("Map")})])
    make_comment(post, body="An approved comment.")
    return post
