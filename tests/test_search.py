"""Posts are found by their title, intro and body text with Wagtail's database search backend."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms_blog.models import BlogPostPage


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
    # visible() is what public pages and GraphQL search: it filters on expiry too.
    make_post("Vienna, published")
    make_post("Vienna, expired", expire_at=timezone.now() - datetime.timedelta(minutes=1))
    make_post("Vienna, draft", live=False)

    assert [post.title for post in BlogPostPage.objects.visible().search("Vienna")] == [
        "Vienna, published"
    ]


# --- The blog index's search box ---------------------------------------------------------

# Wagtail's routing and view restrictions, the search count and page (with the savepoint around
# them), the posts' tags, thumbnails with renditions.
INDEX_SEARCH_QUERIES = 13


def index_search(client, blog_index, query: str) -> BeautifulSoup:
    response = client.get(blog_index.url, {"q": query} if isinstance(query, str) else query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def listed(soup: BeautifulSoup) -> list[str]:
    return [link.get_text() for link in soup.select(".cms-blog-list h2 a")]


def test_index_search_lists_matching_visible_posts_newest_first(client, blog_index, make_post):
    make_post("Vienna in spring", date=datetime.date(2024, 3, 1))
    make_post("Vienna in winter", date=datetime.date(2024, 1, 1))
    make_post("Paris", intro="Not the city we want.")
    make_post("Vienna, a draft", live=False)
    make_post("Vienna, expired", expire_at=timezone.now() - datetime.timedelta(minutes=1))

    soup = index_search(client, blog_index, "vienna")

    assert listed(soup) == ["Vienna in spring", "Vienna in winter"]
    assert soup.select_one("input[name=q]")["value"] == "vienna"  # the words stay in the box
    notice = soup.select_one(".cms-blog-filter[role=status]").get_text(" ", strip=True)
    assert notice.startswith("2 posts found for “vienna”")


def test_index_search_with_no_match_says_so(client, blog_index, make_post):
    make_post("Vienna")

    soup = index_search(client, blog_index, "Castlereagh")

    assert listed(soup) == []
    assert soup.select_one(".cms-blog-empty").get_text() == (
        "Nothing matched your search. Try other words."
    )


def test_index_search_pages_keep_the_words_and_the_tag(client, settings, blog_index, make_post):
    settings.CMS_BLOG = {"INDEX_PAGE_SIZE": 2}
    for day in range(1, 4):
        make_post(f"Vienna {day}", date=datetime.date(2024, 1, day), tags=["europe"])

    soup = index_search(client, blog_index, {"q": "vienna", "tag": "europe"})

    assert listed(soup) == ["Vienna 3", "Vienna 2"]
    assert soup.select_one(".cms-blog-pagination a[rel=next]")["href"] == (
        "?tag=europe&q=vienna&page=2"
    )


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ('"Vienna', None),  # a double quote breaks SQLite's full-text query if passed on
        ("Vienna\x00", "Null characters are not allowed."),  # PostgreSQL refuses NUL
        ("a " * 40, "Search for 32 words at most."),  # both backends fail past a few hundred
        ("x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_index_search_takes_any_text(client, blog_index, make_post, query, error):
    make_post("Vienna")
    make_post("Paris")

    soup = index_search(client, blog_index, query)

    errors = [item.get_text() for item in soup.select(".cms-blog-search .errorlist li")]
    assert errors == ([error] if error else [])
    # Words that cannot be searched filter nothing out.
    assert listed(soup) == (["Vienna"] if not error else ["Paris", "Vienna"])


def test_a_tag_that_cannot_be_a_slug_finds_nothing(client, blog_index, make_post):
    make_post("Vienna", tags=["europe"])

    soup = index_search(client, blog_index, {"tag": "euro\x00pe"})

    assert listed(soup) == []
    assert soup.select_one(".cms-blog-empty").get_text() == "No posts carry this tag yet."


def test_index_search_refused_by_the_backend_finds_nothing(
    client, blog_index, make_post, monkeypatch, caplog
):
    # As if the clean-up had missed something the backend chokes on.
    make_post("Vienna")
    monkeypatch.setattr("cms_blog.search.search_words", lambda text: text)
    monkeypatch.setattr(
        "cms_blog.listing.search_posts",
        lambda posts, words: BlogPostPage.objects.raw("SELECT broken"),
    )

    soup = index_search(client, blog_index, "Vienna")

    assert listed(soup) == []
    assert "refused the search" in caplog.text


@pytest.mark.parametrize("count", [3, 30])
def test_index_search_queries_are_constant(client, blog_index, make_post, make_image, count):
    image = make_image()
    for number in range(count):
        make_post(
            f"Vienna {number}",
            tags=["europe", f"tag-{number}"],
            body=[("figure", {"image": image})],
        )
    client.get(blog_index.url, {"q": "vienna"})  # renditions made, caches warm

    with CaptureQueriesContext(connection) as queries:
        soup = index_search(client, blog_index, "vienna")

    assert len(listed(soup)) == min(count, 10)
    assert len(queries) == INDEX_SEARCH_QUERIES, "\n".join(
        q["sql"] for q in queries.captured_queries
    )


@pytest.mark.parametrize("query", ["Vienna – 1815", "vienna ...", "vienna -", "vienna '"])
def test_punctuation_alone_is_not_a_word(client, blog_index, make_post, query):
    # Typed as the title reads: SQLite's backend matched nothing when "–" counted as a word.
    make_post("Vienna – 1815")

    assert listed(index_search(client, blog_index, query)) == ["Vienna – 1815"]


def test_the_search_box_on_a_tag_page_searches_that_tag(client, blog_index, make_post):
    make_post("Vienna in Europe", tags=["europe"])
    make_post("Vienna elsewhere")
    soup = index_search(client, blog_index, {"tag": "europe"})
    form = soup.select_one("form.cms-blog-search")
    assert form.select_one("input[type=hidden][name=tag]")["value"] == "europe"

    # What the browser sends from that form.
    soup = index_search(client, blog_index, {"tag": "europe", "q": "vienna"})

    assert listed(soup) == ["Vienna in Europe"]
