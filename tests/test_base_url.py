"""Every absolute URL the blog emits is on the Wagtail Site's root URL, never the request's Host
header: a port or proxy in the Host header must not reach og:image, feeds or the API."""

import io
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Site

from cms_blog.base_url import admin_base_url, site_base_url
from cms_blog.comments.notifications import notify_moderators
from tests.factories import make_comment
from tests.graphql_support import data_of

ROOT = "http://blog.example:8000"
# A client (or a misconfigured proxy) naming a host the Site does not.
FOREIGN_HOST = {"HTTP_HOST": "127.0.0.1:9999"}


@pytest.fixture
def site(db) -> Site:
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "blog.example", 8000
    site.save()
    return site


@pytest.fixture
def illustrated(site, make_post, make_image):
    document = get_document_model().objects.create(
        title="Treaty", file=ContentFile(io.BytesIO(b"%PDF").read(), name="treaty.pdf")
    )
    return make_post(
        "Illustrated",
        body=[
            ("text", f'<p><a linktype="document" id="{document.pk}">doc</a></p>'),
            ("figure", {"image": make_image(), "alt_text": "A map"}),
        ],
    )


def urls_in(text: str) -> set[str]:
    return {word for word in text.replace('"', " ").split() if word.startswith("http")}


def test_the_post_page_shares_urls_on_the_site(client, illustrated):
    soup = BeautifulSoup(client.get(illustrated.url, **FOREIGN_HOST).content, "html.parser")

    canonical = soup.select_one("link[rel=canonical]")["href"]
    shared = [
        soup.select_one(f'meta[property="{name}"]')["content"] for name in ("og:url", "og:image")
    ]
    assert canonical == f"{ROOT}/blog/illustrated/"
    assert all(url.startswith(ROOT + "/") for url in shared), shared


def test_the_feed_links_to_the_site(client, illustrated, blog_index):
    response = client.get(blog_index.url + "feed/", **FOREIGN_HOST)

    channel = ElementTree.fromstring(response.content).find("channel")
    links = [channel.findtext("link"), channel.findtext("item/link"), channel.findtext("item/guid")]
    self_link = channel.find("{http://www.w3.org/2005/Atom}link").get("href")
    assert links == [f"{ROOT}/blog/", f"{ROOT}/blog/illustrated/", f"{ROOT}/blog/illustrated/"]
    assert self_link == f"{ROOT}/blog/feed/"


def test_graphql_urls_are_on_the_site(client, illustrated):
    query = """{ post(slug: "illustrated") { url thumbnail { url rendition(width: 400) { url }
        srcSet(sizes: [800]) } body { ... on TextBlock { html } } } }"""

    post = data_of(client, query, **FOREIGN_HOST)["post"]

    thumbnail = post["thumbnail"]
    found = urls_in(post["body"][0]["html"]) | urls_in(thumbnail["srcSet"])
    found |= {post["url"], thumbnail["url"], thumbnail["rendition"]["url"]}
    assert len(found) == 5 and all(url.startswith(ROOT + "/") for url in found), found


def test_frontend_links_use_the_frontend_base_url(client, illustrated, settings):
    settings.CMS_BLOG = {"FRONTEND_BASE_URL": "https://www.example.com/"}
    query = '{ post(slug: "illustrated") { url thumbnail { url } } }'

    post = data_of(client, query, **FOREIGN_HOST)["post"]

    # The post is the frontend's page; its image is a file the Wagtail site serves.
    assert post["url"] == "https://www.example.com/blog/illustrated/"
    assert post["thumbnail"]["url"].startswith(ROOT + "/media/")


@pytest.mark.parametrize(
    ("admin_setting", "expected"),
    [("https://admin.example/", "https://admin.example"), ("", ROOT), (None, ROOT)],
)
def test_moderation_emails_link_to_the_admin(
    settings, post, site, mailoutbox, admin_setting, expected
):
    settings.WAGTAILADMIN_BASE_URL = admin_setting
    comment = make_comment(post, status="pending")
    post.owner.email = "owner@example.com"
    post.owner.save()

    notify_moderators(comment)

    assert admin_base_url() == expected
    assert f"{expected}/admin/" in mailoutbox[0].body


def test_without_any_site_the_admin_base_url_is_used(settings, db):
    Site.objects.all().delete()
    settings.WAGTAILADMIN_BASE_URL = "https://admin.example/"
    assert site_base_url(None) == "https://admin.example"


def test_the_canonical_link_is_the_frontend_url(client, illustrated, settings):
    settings.CMS_BLOG = {"FRONTEND_BASE_URL": "https://www.example.com/"}
    soup = BeautifulSoup(client.get(illustrated.url).content, "html.parser")
    assert soup.select_one("link[rel=canonical]")["href"] == (
        "https://www.example.com/blog/illustrated/"
    )
