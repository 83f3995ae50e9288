"""The API says what the page says: citations linked alike, the editor's alt text, one depth."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cms_blog.graphql.schema import schema
from tests.factories import make_comment
from tests.graphql_support import data_of

DOCS = Path(__file__).resolve().parent.parent / "docs"
TEXT = '<p>As shown (1), not (3), and <a href="https://example.org/">(2)</a>.</p>'


def test_text_block_html_links_citations_as_the_page_does(client, make_post):
    post = make_post("Cited", body=[("text", TEXT)], sources=["First", "Second"])
    query = '{ post(slug: "cited") { body { ... on TextBlock { html } } } }'

    html = data_of(client, query)["post"]["body"][0]["html"]

    page = BeautifulSoup(client.get(post.url).content, "html.parser")
    on_page = [str(link) for link in page.select(".cms-blog-cite")]
    assert html == (
        '<p>As shown <a class="cms-blog-cite" href="#source-1">(1)</a>, not (3), and '
        '<a href="https://example.org/">(2)</a>.</p>'
    )
    assert on_page == ['<a class="cms-blog-cite" href="#source-1">(1)</a>']
    assert page.select_one("#source-1")  # the anchor the link names exists on the page


def test_the_docs_name_the_citation_class_and_anchors():
    text = (DOCS / "graphql.md").read_text()
    assert '<a class="cms-blog-cite" href="#source-N">(N)</a>' in text and 'id="source-N"' in text


@pytest.fixture
def illustrated(make_post, make_image):
    image = make_image("IMG_0042", description="A map of Europe")
    return make_post(
        "Illustrated",
        body=[
            ("text", "<p>Before the figure.</p>"),
            ("figure", {"image": image, "alt_text": "Europe in 1815"}),
            ("figure", {"image": image}),
            ("figure", {"image": image, "alt_text": "Ignored", "decorative": True}),
        ],
    )


def test_thumbnail_and_figures_carry_the_editors_alt_text(client, illustrated):
    query = """{ post(slug: "illustrated") { thumbnail { altText }
        body { ... on FigureBlock { altText image { altText } } } } }"""

    post = data_of(client, query)["post"]

    page = BeautifulSoup(client.get(illustrated.url).content, "html.parser")
    assert post["thumbnail"] == {"altText": "Europe in 1815"}
    assert page.select_one('meta[property="og:image:alt"]')["content"] == "Europe in 1815"
    figures = [(block["altText"], block["image"]["altText"]) for block in post["body"][1:]]
    assert figures == [
        ("Europe in 1815", "Europe in 1815"),
        ("A map of Europe", "A map of Europe"),  # no alt text written: the image's description
        ("", ""),  # decorative
    ]


def test_one_image_in_two_posts_keeps_each_figures_alt_text(client, make_post, make_image):
    image = make_image()
    for title, alt in [("First", "First alt"), ("Second", "Second alt")]:
        make_post(title, body=[("figure", {"image": image, "alt_text": alt})])

    posts = data_of(client, "{ posts { items { thumbnail { altText } } } }")["posts"]["items"]

    assert sorted(post["thumbnail"]["altText"] for post in posts) == ["First alt", "Second alt"]


def test_depth_is_explained_alike_in_schema_and_docs(client, post):
    reply = make_comment(post, parent=make_comment(post))
    query = f'{{ post(slug: "{post.slug}") {{ comments {{ depth replies {{ depth }} }} }} }}'

    [top] = data_of(client, query)["post"]["comments"]

    described = schema.graphql_schema.type_map["Comment"].fields["depth"].description
    docs = " ".join((DOCS / "graphql.md").read_text().split())
    assert (top["depth"], top["replies"][0]["depth"], reply.depth) == (0, 1, 1)
    assert described.startswith("Replies above this one: 0 for a top-level comment, 1 for a reply")
    assert (
        re.sub(r"^Replies above this one", "`depth` counts the replies above a comment", described)
        in docs
    )
