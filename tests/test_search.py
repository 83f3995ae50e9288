"""Posts are found by their title, intro and body text with Wagtail's database search backend."""

import datetime

import pytest
from django.utils import timezone

from cms_blog.models import BlogPostPage, visible_posts


@pytest.fixture
def posts(make_post, make_image):
    """Two published posts and a draft, each with its own words in each field."""
    make_post(
        "Metternich in Vienna",
        intro="Diplomacy after Napoleon.",
        body=[
            ("text", "<p>The <b>quadrilateral</b> alliance kept the peace.</p>"),
            ("quote", {"text": "Europe is a geographical notion.", "attribution": "Bismarck"}),
            ("figure", {"image": make_image(), "caption": "Schönbrunn gardens"}),
        ],
    )
    make_post("Waterloo", intro="The hundred days end.", body=[("text", "<p>Wellington.</p>")])
    make_post("Unpublished thoughts", intro="Talleyrand.", live=False)


def found(query: str) -> list[str]:
    return sorted(page.title for page in BlogPostPage.objects.live().search(query))


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("Metternich", ["Metternich in Vienna"]),  # a word of the title
        ("Waterloo", ["Waterloo"]),  # a whole title
        ("Diplomacy", ["Metternich in Vienna"]),  # a word of the intro
        ("hundred", ["Waterloo"]),  # another intro
        ("quadrilateral", ["Metternich in Vienna"]),  # a word of a text block, inside markup
        ("Wellington", ["Waterloo"]),  # another text block
        ("geographical", ["Metternich in Vienna"]),  # a word of a quote block
        ("Schönbrunn", ["Metternich in Vienna"]),  # a figure caption
        ("Talleyrand", []),  # a draft's words: the draft is not live
        ("Castlereagh", []),  # a word found nowhere
    ],
)
def test_search_finds_posts_by_title_intro_and_body(posts, query, titles):
    assert found(query) == titles


def test_public_search_leaves_hidden_posts_out(make_post):
    # visible_posts() is what public pages and GraphQL search: it filters on expiry too.
    make_post("Vienna, published")
    make_post("Vienna, expired", expire_at=timezone.now() - datetime.timedelta(minutes=1))
    make_post("Vienna, draft", live=False)

    assert [post.title for post in visible_posts().search("Vienna")] == ["Vienna, published"]
