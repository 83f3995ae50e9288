"""The blog index (list, pagination, tag filter, hidden posts) and the post page (meta, prev/next),
and the constant number of SQL queries each runs."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from cms_blog.models import BlogIndexPage, BlogPostPage
from tests.factories import make_comment

DAY = datetime.timedelta(days=1)
START = datetime.date(2024, 1, 1)


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def listed_titles(client, index: BlogIndexPage, query: str = "") -> list[str]:
    soup = soup_of(client.get(index.url + query))
    return [link.get_text() for link in soup.select(".cms-blog-list h2 a")]


@pytest.fixture
def dated_posts(make_post):
    """Create posts "Post 1".."Post n", one a day from START: "Post n" is the newest."""

    def make(count: int, **fields) -> list:
        return [
            make_post(f"Post {number}", date=START + number * DAY, **fields)
            for number in range(1, count + 1)
        ]

    return make


# ---------------------------------------------------------------------------------------------
# The index


def test_index_lists_posts_newest_first(client, blog_index, make_post):
    make_post("Middle", date=START + DAY)
    make_post("Oldest", date=START)
    make_post("Newest", date=START + 2 * DAY)
    make_post("Same day as Newest, written later", date=START + 2 * DAY)

    assert listed_titles(client, blog_index) == [
        "Same day as Newest, written later",  # same date: the later post first
        "Newest",
        "Middle",
        "Oldest",
    ]


def test_index_card_has_link_date_tags_intro_and_thumbnail(
    client, blog_index, make_post, make_image
):
    post = make_post(
        "Vienna 1815",
        date=START,
        intro="The Congress redraws Europe.",
        tags=["Diplomacy"],
        body=[("text", "<p>Text first.</p>"), ("figure", {"image": make_image()})],
    )

    card = soup_of(client.get(blog_index.url)).select_one(".cms-blog-card")

    assert card.select_one("h2 a")["href"] == post.url
    assert card.select_one("time")["datetime"] == "2024-01-01"
    assert card.select_one("a[rel=tag]")["href"] == "?tag=diplomacy"
    assert "The Congress redraws Europe." in card.get_text()
    thumbnail = card.select_one(".cms-blog-card-image img")
    assert ".fill-400x300" in thumbnail["src"]
    assert thumbnail["loading"] == "lazy"


def test_index_card_without_figure_has_no_thumbnail(client, blog_index, make_post):
    make_post("Words only", body=[("quote", {"text": "No image here."})])
    assert soup_of(client.get(blog_index.url)).select_one(".cms-blog-card-image") is None


@pytest.mark.parametrize(
    ("query", "titles", "label"),
    [
        ("", ["Post 5", "Post 4"], "Page 1 of 3"),  # the first page by default
        ("?page=2", ["Post 3", "Post 2"], "Page 2 of 3"),  # a middle page
        ("?page=3", ["Post 1"], "Page 3 of 3"),  # the last, partial page
        ("?page=99", ["Post 1"], "Page 3 of 3"),  # out of range: the last page, not a 404
        ("?page=0", ["Post 1"], "Page 3 of 3"),  # below range: the last page too (Django's rule)
        ("?page=two", ["Post 5", "Post 4"], "Page 1 of 3"),  # not a number: the first page
    ],
)
def test_index_pagination(client, settings, blog_index, dated_posts, query, titles, label):
    settings.CMS_BLOG = {"INDEX_PAGE_SIZE": 2}
    dated_posts(5)

    soup = soup_of(client.get(blog_index.url + query))

    assert [link.get_text() for link in soup.select(".cms-blog-list h2 a")] == titles
    assert label in soup.select_one(".cms-blog-pagination").get_text()


def test_pagination_links(client, settings, blog_index, dated_posts):
    settings.CMS_BLOG = {"INDEX_PAGE_SIZE": 2}
    dated_posts(5)

    first = soup_of(client.get(blog_index.url)).select_one(".cms-blog-pagination")
    middle = soup_of(client.get(blog_index.url + "?page=2")).select_one(".cms-blog-pagination")
    last = soup_of(client.get(blog_index.url + "?page=3")).select_one(".cms-blog-pagination")

    assert first.select_one("a[rel=prev]") is None
    assert first.select_one("a[rel=next]")["href"] == "?page=2"
    assert middle.select_one("a[rel=prev]")["href"] == "?page=1"
    assert middle.select_one("a[rel=next]")["href"] == "?page=3"
    assert last.select_one("a[rel=next]") is None


def test_one_page_has_no_pagination(client, blog_index, dated_posts):
    dated_posts(3)
    assert soup_of(client.get(blog_index.url)).select_one(".cms-blog-pagination") is None


def test_tag_filter(client, blog_index, make_post):
    make_post("Vienna", tags=["Diplomacy", "Europe"], date=START)
    make_post("Waterloo", tags=["War", "Europe"], date=START + DAY)
    make_post("Untagged")

    soup = soup_of(client.get(blog_index.url + "?tag=diplomacy"))

    assert [link.get_text() for link in soup.select(".cms-blog-list h2 a")] == ["Vienna"]
    header = soup.select_one(".cms-blog-filter")
    assert "Posts tagged “Diplomacy”" in header.get_text()
    assert header.select_one("a")["href"] == blog_index.url
    assert listed_titles(client, blog_index, "?tag=europe") == ["Waterloo", "Vienna"]


def test_tag_filter_keeps_the_tag_in_pagination_links(client, settings, blog_index, dated_posts):
    settings.CMS_BLOG = {"INDEX_PAGE_SIZE": 2}
    dated_posts(3, tags=["Europe"])

    soup = soup_of(client.get(blog_index.url + "?tag=europe"))

    assert soup.select_one(".cms-blog-pagination a[rel=next]")["href"] == "?tag=europe&page=2"
    assert listed_titles(client, blog_index, "?tag=europe&page=2") == ["Post 1"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "No posts yet. Check back soon."),  # a blog with nothing published
        ("?tag=drafts", "No posts carry this tag yet."),  # a tag only hidden posts carry
    ],
)
def test_index_empty_state(client, blog_index, make_post, query, message):
    make_post("A draft", live=False, tags=["Drafts"])

    soup = soup_of(client.get(blog_index.url + query))

    assert soup.select_one(".cms-blog-list") is None
    assert soup.select_one(".cms-blog-empty").get_text() == message


def hide_by_draft(post):
    post.unpublish()


def hide_by_password(post):
    PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


def hide_by_login(post):
    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)


def hide_by_expiry(post):
    # Live until the scheduled unpublish job runs, but its expiry date is past.
    post.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    post.save(update_fields=["expire_at"])


HIDING_WAYS = [
    hide_by_draft,  # unpublished
    hide_by_password,  # private: a password view restriction
    hide_by_login,  # private: readable only by logged-in users
    hide_by_expiry,  # expired, not yet unpublished
]


@pytest.mark.parametrize("hide", HIDING_WAYS)
def test_hidden_posts_are_never_listed_or_linked(client, blog_index, dated_posts, hide):
    older, hidden, newer = dated_posts(3)
    hide(hidden)

    assert listed_titles(client, blog_index) == ["Post 3", "Post 1"]
    nav = soup_of(client.get(newer.url)).select_one(".cms-blog-post-nav")
    assert nav.select_one("a[rel=prev]")["href"] == older.url  # skips the hidden post


@pytest.mark.parametrize("hide", HIDING_WAYS)
def test_links_to_hidden_pages_are_plain_text(client, blog_index, dated_posts, make_post, hide):
    target, hidden = dated_posts(2)
    hide(hidden)
    links = (
        f'<p>Read <a linktype="page" id="{target.pk}">the live one</a> and '
        f'<a linktype="page" id="{hidden.pk}">the hidden one</a>.</p>'
    )
    post = make_post("Links", body=[("text", links)])
    blog_index.intro = links
    blog_index.save_revision().publish()

    for page in (post, blog_index):
        html = soup_of(client.get(page.url)).select_one(".cms-blog-text, .cms-blog-intro")
        assert [(a["href"], a.get_text()) for a in html.select("a")] == [
            (target.url, "the live one")
        ]
        assert "and the hidden one." in html.get_text()


@pytest.mark.parametrize("linktype", ["page", "document"])
@pytest.mark.parametrize("link_id", ["²", "99999999999999999999", "abc", ""])
def test_a_link_with_an_odd_id_is_plain_text(client, make_post, linktype, link_id):
    # Draftail never writes such ids; imported or hand-edited rich text can.
    text = f'<p>See <a linktype="{linktype}" id="{link_id}">this</a>.</p>'
    post = make_post("Odd link", body=[("text", text)])

    html = soup_of(client.get(post.url)).select_one(".cms-blog-text")

    assert html.select("a") == [] and html.get_text() == "See this."


def test_document_links_are_relative_on_the_blog_pages(client, make_post):
    document = get_document_model().objects.create(
        title="Final Act", file=ContentFile(b"1815", name="final-act.txt")
    )
    text = f'<p>Read <a linktype="document" id="{document.pk}">the Final Act</a>.</p>'
    post = make_post("Documents", body=[("text", text)])

    link = soup_of(client.get(post.url)).select_one(".cms-blog-text a")

    assert link["href"] == document.url and link["href"].startswith("/")


def test_expired_pages_are_not_served_before_wagtail_unpublishes_them(
    client, blog_index, make_post
):
    post = make_post("Expired")
    hide_by_expiry(post)

    assert client.get(post.url).status_code == 404
    assert post.make_preview_request().status_code == 200  # editors still preview it

    hide_by_expiry(blog_index)
    assert client.get(blog_index.url).status_code == 404
    assert client.get(blog_index.url + "feed/").status_code == 404


def test_posts_under_a_private_index_are_not_listed_elsewhere(client, site_root, make_post):
    # Only the blog's own children are listed; a second blog's posts stay on that blog.
    other = site_root.add_child(instance=BlogIndexPage(title="Other blog", slug="other"))
    make_post("Elsewhere", parent=other)
    mine = make_post("Mine")

    assert listed_titles(client, mine.get_parent().specific) == ["Mine"]


# ---------------------------------------------------------------------------------------------
# The post page


def test_post_page_header_and_meta(client, blog_index, make_post):
    post = make_post(
        "Vienna 1815", date=START, intro="The Congress redraws Europe.", tags=["Diplomacy"]
    )

    soup = soup_of(client.get(post.url))

    assert soup.select_one("article h1").get_text() == "Vienna 1815"
    assert soup.select_one("article time")["datetime"] == "2024-01-01"
    assert soup.select_one("article a[rel=tag]")["href"] == f"{blog_index.url}?tag=diplomacy"
    assert soup.select_one("meta[name=description]")["content"] == "The Congress redraws Europe."
    assert "cms-blog-post" in soup.body["class"]


def test_post_meta_description_prefers_the_search_description(client, make_post):
    post = make_post("Vienna", intro="The intro.", search_description="For search engines.")
    soup = soup_of(client.get(post.url))
    assert soup.select_one("meta[name=description]")["content"] == "For search engines."


def test_post_shares_well_on_social_sites(client, make_post, make_image):
    post = make_post(
        'Vienna "1815"',
        date=START,
        intro="The Congress redraws Europe.",
        tags=["history"],
        body=[
            ("text", "<p>First.</p>"),
            ("figure", {"image": make_image(width=2400, height=1600), "alt_text": "A map"}),
        ],
    )

    soup = soup_of(client.get(post.url))

    def meta(name: str) -> str | None:
        tag = soup.select_one(f'meta[property="{name}"], meta[name="{name}"]')
        return tag["content"] if tag else None

    assert soup.select_one("link[rel=canonical]")["href"] == post.full_url
    assert meta("og:url") == post.full_url
    assert (meta("og:type"), meta("og:title")) == ("article", 'Vienna "1815"')
    assert meta("og:description") == "The Congress redraws Europe."
    assert (meta("article:published_time"), meta("article:tag")) == ("2024-01-01", "history")
    assert meta("og:image").startswith("http://localhost/") and ".fill-1200x630" in meta("og:image")
    assert (meta("og:image:width"), meta("og:image:height")) == ("1200", "630")
    assert (meta("og:image:alt"), meta("twitter:card")) == ("A map", "summary_large_image")


def test_a_figure_whose_image_was_deleted_is_not_shared(client, make_post, make_image):
    lost, kept = make_image("Lost"), make_image("Kept")
    post = make_post("Vienna", body=[("figure", {"image": lost}), ("figure", {"image": kept})])
    lost.delete()

    image = soup_of(client.get(post.url)).select_one('meta[property="og:image"]')["content"]

    assert "/kept" in image and ".fill-1200x630" in image


def test_post_without_a_figure_shares_a_summary_card(client, make_post):
    soup = soup_of(client.get(make_post("Words only").url))
    assert soup.select_one('meta[property="og:image"]') is None
    assert soup.select_one('meta[name="twitter:card"]')["content"] == "summary"


@pytest.mark.parametrize(
    ("position", "previous", "following"),
    [
        (0, None, "Post 2"),  # the oldest post has only a newer one
        (1, "Post 1", "Post 3"),  # a middle post has both
        (2, "Post 2", None),  # the newest post has only an older one
    ],
)
def test_previous_and_next_post(client, dated_posts, position, previous, following):
    posts = dated_posts(3)

    nav = soup_of(client.get(posts[position].url)).select_one(".cms-blog-post-nav")

    links = {link["rel"][0]: link.get_text(" ", strip=True) for link in nav.select("a")}
    assert links.get("prev") == (f"Previous post {previous}" if previous else None)
    assert links.get("next") == (f"Next post {following}" if following else None)


def test_previous_and_next_break_date_ties_by_creation_order(make_post):
    first = make_post("First", date=START)
    second = make_post("Second", date=START)
    third = make_post("Third", date=START)

    assert second.neighbours(site=None) == (first, third)


def test_a_lone_post_has_no_post_nav(client, make_post):
    post = make_post("Alone")
    assert soup_of(client.get(post.url)).select_one(".cms-blog-post-nav") is None


def test_preview_of_a_post_not_saved_yet(blog_index, make_post):
    # The admin's preview panel renders a new post before it has an id or a place among its
    # siblings: it shows the post, without previous/next links.
    make_post("Older", date=START)
    new = BlogPostPage(title="Not saved yet", slug="not-saved-yet", date=START + DAY)
    # What Wagtail's PreviewOnCreate does: a realistic tree position, no database write.
    new.depth = blog_index.depth + 1
    new.path = BlogPostPage._get_children_path_interval(blog_index.path)[1]
    new.set_url_path(blog_index)

    soup = soup_of(new.make_preview_request())

    assert soup.select_one("h1").get_text() == "Not saved yet"
    assert soup.select_one(".cms-blog-post-nav") is None


# ---------------------------------------------------------------------------------------------
# SQL queries: constant whatever the number of posts, blocks, images and sources

# Anonymous GETs once renditions exist. Both start with Wagtail's own work (site, routing to the
# page, view restrictions); then the index counts and loads one page of posts, their tags, their
# thumbnails with renditions and the filtered tag; the post loads its tags, images with renditions,
# sources, its discussion (one query counts its comments and threads, one loads the threads of the
# page), runs the previous and next post lookups, and resolves the page links of all its text
# blocks at once (the linked pages, and their view restrictions).
INDEX_QUERIES = 12
POST_QUERIES = 18


@pytest.fixture
def blog_with_images(make_post, make_image):
    """A blog of ``count`` posts, each with a figure, a tag and a source."""

    def make(count: int) -> list:
        image = make_image()
        return [
            make_post(
                f"Post {number}",
                date=START + number * DAY,
                tags=[f"tag-{number}", "all"],
                body=[("figure", {"image": image, "source": 1})],
                sources=[f"Source of post {number}"],
            )
            for number in range(count)
        ]

    return make


@pytest.mark.parametrize("count", [3, 30])  # fewer posts than a page, then three pages' worth
def test_index_queries_are_constant(client, django_assert_num_queries, blog_with_images, count):
    index = blog_with_images(count)[0].get_parent()
    client.get(index.url)  # creates the renditions

    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(index.url + "?tag=all")

    assert len(soup_of(response).select(".cms-blog-card img")) == min(count, 10)


@pytest.mark.parametrize("count", [3, 30])  # figures and sources in one post
def test_post_queries_are_constant(
    client, django_assert_num_queries, make_post, make_image, dated_posts, count
):
    # The older siblings: the previous post (and the query for a newer one), and link targets.
    older = dated_posts(2)
    link = f'<p>See <a linktype="page" id="{older[0].pk}">the first post</a> (1).</p>'
    post = make_post(
        "Long read",
        date=START + 10 * DAY,
        body=[
            ("figure", {"image": make_image(f"Image {n}"), "source": n + 1}) for n in range(count)
        ]
        + [("text", link) for _ in range(count)]
        + [("quote", {"text": "A quotation", "source": 1})],
        sources=[f"Source {n}" for n in range(count)],
    )
    for number in range(count):  # threads of two comments each
        make_comment(
            post, parent=make_comment(post, body=f"Comment {number}"), body=f"Reply {number}"
        )
    client.get(post.url)  # creates the renditions

    with django_assert_num_queries(POST_QUERIES):
        response = client.get(post.url)

    soup = soup_of(response)
    assert len(soup.select(".cms-blog-comment")) == 2 * count
    assert len(soup.select(".cms-blog-figure img")) == count
    assert len(soup.select(".cms-blog-sources li")) == count
    assert len(soup.select(f'.cms-blog-text a[href="{older[0].url}"]')) == count


def test_a_tag_of_hidden_posts_answers_as_an_unknown_tag(client, blog_index, make_post):
    make_post("Draft", tags=["secret-plans"], live=False)
    make_post("Public", tags=["public"])

    hidden = client.get(f"{blog_index.url}?tag=secret-plans").content.decode()
    unknown = client.get(f"{blog_index.url}?tag=no-such-tag").content.decode()

    assert hidden.replace("secret-plans", "no-such-tag") == unknown
    assert "secret" not in hidden.lower().replace("tag=secret-plans", "")
