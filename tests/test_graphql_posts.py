"""Posts through GraphQL: listing, lookups, every block field, images, rich text, tags."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from cms_blog.graphql.posts.types import PostType
from tests.graphql_support import data_of, run_query

TODAY = timezone.localdate()


@pytest.fixture
def dozen(make_post):
    """Twelve posts, one a day, the older half tagged "old"."""
    return [
        make_post(
            f"Post {n}",
            date=TODAY - datetime.timedelta(days=n),
            tags=["old"] if n >= 6 else ["new"],
            intro="Congress of Vienna" if n == 3 else "",
        )
        for n in range(12)
    ]


LIST = """
query ($page: Int, $perPage: Int, $tag: String, $search: String, $order: PostOrder) {
  posts(page: $page, perPage: $perPage, tag: $tag, search: $search, order: $order) {
    items { title }
    pagination { total count perPage currentPage prevPage nextPage totalPages }
  }
}
"""


def titles(data) -> list[str]:
    return [item["title"] for item in data["posts"]["items"]]


@pytest.mark.parametrize(
    "variables, expected_titles, pagination",
    [
        # first page, newest first by default
        ({"perPage": 5}, [f"Post {n}" for n in range(5)], (12, 5, 5, 1, None, 2, 3)),
        # middle page
        ({"perPage": 5, "page": 2}, [f"Post {n}" for n in range(5, 10)], (12, 5, 5, 2, 1, 3, 3)),
        # last, partial page
        ({"perPage": 5, "page": 3}, ["Post 10", "Post 11"], (12, 2, 5, 3, 2, None, 3)),
        # past the end: empty, not an error
        ({"perPage": 5, "page": 9}, [], (12, 0, 5, 9, 8, None, 3)),
        # oldest first
        ({"perPage": 2, "order": "OLDEST"}, ["Post 11", "Post 10"], (12, 2, 2, 1, None, 2, 6)),
        # by tag slug
        ({"tag": "new", "perPage": 3}, ["Post 0", "Post 1", "Post 2"], (6, 3, 3, 1, None, 2, 2)),
        # unknown tag
        ({"tag": "nope"}, [], (0, 0, 10, 1, None, None, 0)),
        # a tag with a NUL, which PostgreSQL cannot compare
        ({"tag": "new\x00"}, [], (0, 0, 10, 1, None, None, 0)),
        # search in the intro
        ({"search": "Vienna"}, ["Post 3"], (1, 1, 10, 1, None, None, 1)),
        # perPage over MAX_PAGE_SIZE (4 here) is capped
        ({"perPage": 1000}, [f"Post {n}" for n in range(4)], (12, 4, 4, 1, None, 2, 3)),
    ],
)
def test_posts_list(client, settings, dozen, variables, expected_titles, pagination):
    settings.CMS_BLOG = {"GRAPHQL_MAX_PAGE_SIZE": 4} if variables.get("perPage") == 1000 else {}
    data = data_of(client, LIST, variables)
    assert titles(data) == expected_titles
    assert tuple(data["posts"]["pagination"].values()) == pagination


@pytest.mark.parametrize(
    "search, expected_titles",
    [
        ('"', []),  # a double quote alone: SQLite's full-text query broke on it
        ('"Vienna"', ["Post 3"]),  # a quoted word
        ('Vienna"', ["Post 3"]),  # an unbalanced quote
        ("Vienna\x00", ["Post 3"]),  # NUL: SQLite's full-text query and PostgreSQL refuse it
        ("a\x00", []),  # likewise
        ('a"b OR NEAR( *', []),  # FTS5 and tsquery syntax are words like any other
        ("Vienna OR Waterloo", []),  # "OR" is a word too, and every word must match
        ("Vienna\x01\u200b\ue000", ["Post 3"]),  # control, format and private-use characters
        ("' \\ : & | ! ( ) <-> * ^ - +", []),  # punctuation only
        ("congress " * 32, ["Post 3"]),  # as many words as allowed
        ("\t ", [f"Post {n}" for n in range(10)]),  # blank: no search at all
    ],
)
def test_posts_search_takes_any_text(client, dozen, search, expected_titles):
    assert titles(data_of(client, LIST, {"search": search})) == expected_titles


def test_posts_search_refuses_too_many_words(client, dozen):
    result = run_query(client, LIST, {"search": "congress " * 33})
    assert result["errors"][0]["message"] == "Search for 32 words at most."


def test_posts_search_refused_by_the_backend_is_empty(client, dozen, monkeypatch, caplog):
    # Words the backends refuse, as if the clean-up had missed them: SQLite's FTS5 chokes on the
    # quote, PostgreSQL on the NUL.
    monkeypatch.setattr("cms_blog.graphql.posts.queries.search_words", lambda search: search)
    data = data_of(client, LIST, {"search": 'Vienna"\x00'})
    assert titles(data) == [] and data["posts"]["pagination"]["total"] == 0
    assert "refused the search" in caplog.text
    # The request's transaction is still usable.
    assert titles(data_of(client, LIST, {"tag": "new", "perPage": 1})) == ["Post 0"]


@pytest.mark.parametrize(
    "variables",
    [
        {"page": 0},  # pages count from 1
        {"perPage": 0},  # an empty page size
        {"perPage": -5},  # a negative one
    ],
)
def test_posts_list_refuses_bad_paging(client, blog_index, variables):
    result = run_query(client, LIST, variables)
    assert result["data"] is None
    assert "must be 1 or more" in result["errors"][0]["message"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ("", "Give the post's id, slug or urlPath."),  # nothing to look up by
    ],
)
def test_post_lookup_errors(client, blog_index, arguments, message):
    result = run_query(client, f"{{ post{arguments} {{ id }} }}")
    assert result["errors"][0]["message"] == message


@pytest.mark.parametrize(
    "arguments",
    [
        'id: "abc"',  # not an id
        'id: "999999"',  # no such page
        'slug: "nothing"',  # no such slug
        'urlPath: "/elsewhere/"',  # no such path
        'slug: "here\\u0000"',  # a NUL, which PostgreSQL cannot compare
        'urlPath: "/here\\u0000/"',  # likewise
        'id: "{pk}", slug: "other"',  # id and slug of two different posts
    ],
)
def test_post_lookup_misses_are_null(client, make_post, arguments):
    post = make_post("Here")
    make_post("Other")
    query = "{ post(%s) { id } }" % arguments.replace("{pk}", str(post.pk))  # noqa: UP031
    assert data_of(client, query) == {"post": None}


def test_post_scalar_fields(client, make_post):
    post = make_post(
        "Fields", intro="One two three", seo_title="SEO", search_description="Meta", tags=["b", "A"]
    )
    query = """{ post(slug: "fields") { id title slug url urlPath date firstPublishedAt
      lastPublishedAt intro seoTitle searchDescription readingTime commentsOpen
      tags { name slug postCount } thumbnail { id } } }"""
    data = data_of(client, query)["post"]
    assert data == {
        "id": str(post.pk),
        "title": "Fields",
        "slug": "fields",
        "url": "http://localhost/blog/fields/",
        "urlPath": "/blog/fields/",
        "date": TODAY.isoformat(),
        "firstPublishedAt": post.first_published_at.isoformat(),
        "lastPublishedAt": post.last_published_at.isoformat(),
        "intro": "One two three",
        "seoTitle": "SEO",
        "searchDescription": "Meta",
        "readingTime": 1,
        "commentsOpen": True,
        "tags": [
            {"name": "A", "slug": "a", "postCount": 1},
            {"name": "b", "slug": "b", "postCount": 1},
        ],
        "thumbnail": None,
    }


def test_seo_fields_are_empty_on_a_base_page_without_them():
    # They come from Wagtail's default base page; a site's own (WAGTAIL_PAGE_MODEL) may lack them.
    post = SimpleNamespace(title="A post on a custom base page")
    assert PostType.resolve_seo_title(post, None) == ""
    assert PostType.resolve_search_description(post, None) == ""


def test_comments_closed_after_configured_days(client, settings, make_post):
    settings.CMS_BLOG = {"COMMENTS_CLOSE_AFTER_DAYS": 14}
    make_post("Old", date=TODAY - datetime.timedelta(days=15))
    make_post("Closed", allow_comments=False)
    make_post("Open")
    data = data_of(client, "{ posts { items { title commentsOpen } } }")
    assert {item["title"]: item["commentsOpen"] for item in data["posts"]["items"]} == {
        "Old": False,
        "Closed": False,
        "Open": True,
    }


def test_reading_time_counts_text_and_quotes(client, make_post):
    words = " ".join(["word"] * 500)
    make_post("Long", body=[("text", f"<p>{words}</p>"), ("quote", {"text": words})])
    assert data_of(client, '{ post(slug: "long") { readingTime } }') == {"post": {"readingTime": 5}}


BODY = """
fragment source on Source { number citation url }
query ($slug: String) {
  post(slug: $slug) {
    thumbnail { title }
    sources { ...source }
    body {
      id blockType
      ... on TextBlock { html }
      ... on FigureBlock {
        image { title width height url altText } caption altText decorative credit
        source { ...source }
      }
      ... on VideoBlock { url provider videoId start embedUrl thumbnailUrl caption }
      ... on QuoteBlock { text attribution source { ...source } }
    }
  }
}
"""


def test_every_block_field(client, make_post, make_image):
    image = make_image("Map", width=800, height=500, description="A map of Europe")
    other = make_image("Other")
    make_post(
        "Blocks",
        body=[
            ("text", "<h2>Title</h2><p>Text</p>"),
            ("figure", {"image": image, "caption": "Europe", "credit": "Me", "source": 2}),
            ("figure", {"image": other, "alt_text": "Own alt", "decorative": False}),
            ("figure", {"image": other, "alt_text": "Ignored", "decorative": True}),
            ("video", {"url": "https://vimeo.com/76979871#t=1m5s", "caption": "Vimeo"}),
            ("video", {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "caption": ""}),
            ("quote", {"text": "To be", "attribution": "Hamlet", "source": 1}),
            ("quote", {"text": "Anonymous"}),
        ],
        sources=["First", "Second"],
    )
    post = data_of(client, BODY, {"slug": "blocks"})["post"]
    first, second = (
        {"number": 1, "citation": "First", "url": None},
        {
            "number": 2,
            "citation": "Second",
            "url": None,
        },
    )
    assert post["thumbnail"] == {"title": "Map"}
    assert post["sources"] == [first, second]
    blocks = post["body"]
    assert all(block["id"] for block in blocks)
    assert [block["blockType"] for block in blocks] == [
        "text", "figure", "figure", "figure", "video", "video", "quote", "quote",
    ]  # fmt: skip
    assert blocks[0]["html"] == "<h2>Title</h2><p>Text</p>"
    assert {k: v for k, v in blocks[1].items() if k not in ("id", "blockType")} == {
        "image": {
            "title": "Map",
            "width": 800,
            "height": 500,
            "url": "http://localhost/media/original_images/map.jpg",
            "altText": "A map of Europe",
        },
        "caption": "Europe",
        "altText": "A map of Europe",  # falls back to the image's description
        "decorative": False,
        "credit": "Me",
        "source": second,
    }
    assert (blocks[2]["altText"], blocks[2]["caption"], blocks[2]["source"]) == (
        "Own alt",
        "",
        None,
    )
    assert (blocks[3]["altText"], blocks[3]["decorative"]) == ("", True)
    assert {k: v for k, v in blocks[4].items() if k not in ("id", "blockType")} == {
        "url": "https://vimeo.com/76979871#t=1m5s",
        "provider": "VIMEO",
        "videoId": "76979871",
        "start": 65,
        "embedUrl": "https://player.vimeo.com/video/76979871?dnt=1#t=65s",
        "thumbnailUrl": None,
        "caption": "Vimeo",
    }
    assert (blocks[5]["provider"], blocks[5]["embedUrl"], blocks[5]["thumbnailUrl"]) == (
        "YOUTUBE",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
    )
    assert blocks[6] | {"id": None} == {
        "id": None,
        "blockType": "quote",
        "text": "To be",
        "attribution": "Hamlet",
        "source": first,
    }
    assert (blocks[7]["attribution"], blocks[7]["source"]) == ("", None)


def rendition_query(**arguments) -> str:
    rendered = ", ".join(
        f'{name}: "{value}"' if isinstance(value, str) else f"{name}: {value}"
        for name, value in arguments.items()
    )
    rendition = f"rendition({rendered})" if rendered else "rendition"
    fields = "url width height filterSpec"
    return f'{{ post(slug: "pictured") {{ thumbnail {{ {rendition} {{ {fields} }} }} }} }}'


@pytest.fixture
def pictured(make_post, make_image):
    image = make_image("Photo", width=1600, height=1000)
    return make_post("Pictured", body=[("figure", {"image": image})])


@pytest.mark.parametrize(
    "arguments, spec, size",
    [
        ({}, "original", (1600, 1000)),  # no operation: the original size
        ({"width": 400}, "width-400", (400, 250)),  # a listed width
        ({"fill": "400x300"}, "fill-400x300", (400, 300)),  # a listed crop
        ({"max": "1200x1200"}, "max-1200x1200", (1200, 750)),  # a listed box
        ({"width": 800, "format": "webp"}, "width-800|format-webp", (800, 500)),  # and a format
    ],
)
def test_allowed_renditions(client, pictured, arguments, spec, size):
    rendition = data_of(client, rendition_query(**arguments))["post"]["thumbnail"]["rendition"]
    assert rendition["filterSpec"] == spec
    assert (rendition["width"], rendition["height"]) == size
    assert rendition["url"].startswith("http://localhost/media/images/photo.")


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"width": 333}, "The image filter width-333 is not allowed."),  # unlisted width
        ({"fill": "10000x10000"}, "The image filter fill-10000x10000 is not allowed."),  # huge
        ({"min": "400x400"}, "The image filter min-400x400 is not allowed."),  # unlisted op
        ({"fill": "400x300", "width": 400}, "fill-400x300|width-400 is not allowed."),  # combined
        ({"width": 400, "format": "bmp"}, "The image format bmp is not allowed."),  # odd format
    ],
)
def test_disallowed_renditions_are_refused(client, pictured, arguments, message):
    result = run_query(client, rendition_query(**arguments))
    assert result["data"]["post"]["thumbnail"]["rendition"] is None
    assert message in result["errors"][0]["message"]
    assert "Allowed" in result["errors"][0]["message"]


def test_src_set(client, pictured):
    query = '{ post(slug: "pictured") { thumbnail { srcSet(sizes: [400, 800], format: "webp") } } }'
    assert data_of(client, query)["post"]["thumbnail"]["srcSet"] == (
        "http://localhost/media/images/photo.width-400.format-webp.webp 400w, "
        "http://localhost/media/images/photo.width-800.format-webp.webp 800w"
    )


def test_src_set_refuses_unlisted_width(client, pictured):
    query = '{ post(slug: "pictured") { thumbnail { srcSet(sizes: [400, 500]) } } }'
    result = run_query(client, query)
    assert result["data"]["post"]["thumbnail"] is None  # srcSet is non-null: null bubbles up
    assert "width-500 is not allowed" in result["errors"][0]["message"]


def test_rich_text_links(client, settings, make_post):
    document = get_document_model().objects.create(
        title="Treaty", file=ContentFile(io.BytesIO(b"%PDF").read(), name="treaty.pdf")
    )
    target = make_post("Target")
    make_post(
        "Linking",
        body=[
            (
                "text",
                f'<p><a linktype="page" id="{target.pk}">post</a> '
                f'<a linktype="document" id="{document.pk}">doc</a> '
                '<a linktype="document" id="999999">gone</a> '
                '<a href="https://example.org/">outside</a></p>',
            )
        ],
    )
    query = '{ post(slug: "linking") { url body { ... on TextBlock { html } } } }'
    expected = (
        '<p><a href="{base}/blog/target/">post</a> '
        f'<a href="http://localhost/documents/{document.pk}/treaty.pdf">doc</a> '
        'gone <a href="https://example.org/">outside</a></p>'
    )
    data = data_of(client, query)["post"]
    assert data["body"][0]["html"] == expected.format(base="http://localhost")

    settings.CMS_BLOG = {"FRONTEND_BASE_URL": "https://www.example.com/"}
    data = data_of(client, query)["post"]
    assert data["url"] == "https://www.example.com/blog/linking/"
    assert data["body"][0]["html"] == expected.format(base="https://www.example.com")


def test_tags_query(client, make_post):
    make_post("One", tags=["history", "Europe"])
    make_post("Two", tags=["history"])
    make_post("Draft", tags=["history", "drafts"], live=False)
    assert data_of(client, "{ tags { name slug postCount } }") == {
        "tags": [
            {"name": "Europe", "slug": "europe", "postCount": 1},
            {"name": "history", "slug": "history", "postCount": 2},
        ]
    }
