"""Body blocks: their validation, the admin's source-citation check, and their HTML."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail import blocks
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms_blog.blocks import BlogBodyBlock, FigureBlock, QuoteBlock, VideoBlock
from cms_blog.models import BlogPostPage


def block_errors(block: blocks.Block, value: dict) -> dict:
    """The per-field errors ``block.clean`` raises for ``value`` (empty when it is valid)."""
    try:
        block.clean(block.to_python(value))
    except blocks.StructBlockValidationError as error:
        return error.block_errors
    return {}


# ---------------------------------------------------------------------------------------------
# Validation of each block on its own


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",  # YouTube
        "https://vimeo.com/76979871",  # Vimeo
    ],
)
def test_video_block_accepts_provider_urls(url):
    assert block_errors(VideoBlock(), {"url": url, "caption": ""}) == {}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # a well-formed URL of another site
        ("https://example.com/video.mp4", "Only YouTube and Vimeo videos can be embedded."),
        # a YouTube page that is not a video
        ("https://www.youtube.com/@SomeChannel", "This YouTube URL does not name a video."),
        # a Vimeo page that is not a video
        ("https://vimeo.com/channels/staffpicks", "This Vimeo URL does not name a video."),
        # not a URL at all: URLBlock's own message
        ("not a url", "Enter a valid URL."),
        # required
        ("", "This field is required."),
    ],
)
def test_video_block_refuses_other_urls_on_the_url_field(url, message):
    errors = block_errors(VideoBlock(), {"url": url, "caption": ""})
    assert list(errors) == ["url"]
    assert errors["url"].messages == [message]


def test_figure_block_requires_an_image():
    errors = block_errors(FigureBlock(), {"image": None, "caption": "A map"})
    assert list(errors) == ["image"]


@pytest.mark.parametrize(
    ("value", "fields_in_error"),
    [
        ({"text": "Veni, vidi, vici.", "attribution": "Caesar", "source": 1}, []),  # valid
        ({"text": "", "attribution": "Caesar"}, ["text"]),  # the quotation is required
        ({"text": "Veni.", "source": 0}, ["source"]),  # sources are numbered from 1
        ({"text": "Veni.", "source": -2}, ["source"]),  # never negative
    ],
)
def test_quote_block_validation(value, fields_in_error):
    assert sorted(block_errors(QuoteBlock(), value)) == fields_in_error


def test_body_child_names_are_the_public_ones():
    # Stored in every post's JSON and exposed through GraphQL: renaming one breaks sites.
    assert list(BlogBodyBlock.base_blocks) == ["text", "figure", "video", "quote"]


# ---------------------------------------------------------------------------------------------
# Source citations, checked by the real admin edit view


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return client


def edit_post(client, post: BlogPostPage, body: list, sources: list[dict], initial: int = 0):
    """POST the admin edit form of ``post`` with this body and these sources, as the admin does."""
    data = nested_form_data(
        {
            "title": post.title,
            "slug": post.slug,
            "date": post.date.isoformat(),
            "intro": "",
            "tags": "",
            "allow_comments": "on",
            "body": streamfield(body),
            "sources": inline_formset(sources, initial=initial),
        }
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=[post.pk]), data)


def quote(source: int | str = "") -> tuple[str, dict]:
    return (
        "quote",
        {"text": "Europe is a geographical notion.", "attribution": "", "source": source},
    )


def source_errors(response) -> dict[int, list[str]]:
    """The edit form's errors on the ``source`` field of each body block, by block index."""
    [stream_error] = response.context["form"].errors.as_data()["body"]
    return {
        int(index): error["blockErrors"]["source"]["messages"]
        for index, error in stream_error.as_json_data()["blockErrors"].items()
    }


@pytest.mark.parametrize(
    ("cited", "citations", "saved"),
    [
        (1, ["Hobsbawm 1962"], True),  # cites the only source
        (2, ["Hobsbawm 1962", "Zamoyski 2007"], True),  # cites the last source
        ("", [], True),  # cites nothing, has no sources
        (2, ["Hobsbawm 1962"], False),  # cites one past the end
        (1, [], False),  # cites a source of a post that has none
    ],
)
def test_admin_checks_cited_sources_exist(admin_client, make_post, cited, citations, saved):
    post = make_post("Vienna 1815")
    revisions = post.revisions.count()

    response = edit_post(admin_client, post, [quote(cited)], [{"citation": c} for c in citations])

    assert (response.status_code == 302) is saved
    assert (post.revisions.count() == revisions + 1) is saved  # nothing written on error


@pytest.mark.parametrize(
    ("citations", "message"),
    [
        ([], "Source 3 does not exist: this post has no sources."),  # no sources at all
        (["A", "B"], "Source 3 does not exist: this post has sources 1 to 2."),  # too few
    ],
)
def test_admin_names_the_missing_source(admin_client, make_post, citations, message):
    post = make_post("Vienna 1815")
    response = edit_post(admin_client, post, [quote(3)], [{"citation": c} for c in citations])
    assert response.status_code == 200
    assert source_errors(response) == {0: [message]}


def test_admin_counts_sources_deleted_in_the_same_save_as_gone(admin_client, make_post):
    post = make_post("Vienna 1815", body=[quote(2)], sources=["Hobsbawm 1962", "Zamoyski 2007"])
    first, second = post.sources.all()
    sources = [
        {"id": first.pk, "citation": first.citation},
        {"id": second.pk, "citation": second.citation, "DELETE": "on"},
    ]

    response = edit_post(admin_client, post, [quote(2)], sources, initial=2)

    assert response.status_code == 200
    assert source_errors(response) == {
        0: ["Source 2 does not exist: this post has sources 1 to 1."]
    }
    assert post.sources.count() == 2


def test_admin_checks_figure_citations_too(admin_client, make_post, make_image):
    post = make_post("Vienna 1815")
    figure = ("figure", {"image": make_image().pk, "caption": "", "alt_text": "", "source": 1})
    text = ("text", rich_text("<p>Intro</p>"))

    response = edit_post(admin_client, post, [text, figure], [])

    assert response.status_code == 200
    assert source_errors(response) == {1: ["Source 1 does not exist: this post has no sources."]}


# ---------------------------------------------------------------------------------------------
# Rendering, through the post page as readers get it


@pytest.fixture
def render(client, make_post):
    """Publish a post with this body (and sources) and return its page as parsed HTML."""

    def render_body(body: list, sources: list[str] | None = None) -> BeautifulSoup:
        post = make_post("Vienna 1815", body=body, sources=sources)
        response = client.get(post.url)
        assert response.status_code == 200
        return BeautifulSoup(response.content, "html.parser").select_one(".cms-blog-body")

    return render_body


def test_text_block_renders_rich_text(render):
    body = render([("text", '<p>The <b>Congress</b> <a href="https://example.com">met</a>.</p>')])
    text = body.select_one(".cms-blog-text")
    assert text.select_one("p b").get_text() == "Congress"
    assert text.select_one("a")["href"] == "https://example.com"


def test_figure_renders_responsive_lazy_image_with_caption_credit_and_citation(render, make_image):
    image = make_image(width=1600, height=1000, description="Europe after the Congress")
    figure_value = {
        "image": image,
        "caption": "Europe in 1815",
        "credit": "Map: Jane Doe / CC BY 4.0",
        "source": 1,
    }
    body = render([("figure", figure_value)], sources=["Hobsbawm, The Age of Revolution (1962)"])

    figure = body.select_one("figure.cms-blog-figure")
    img = figure.select_one("img")
    renditions = [candidate.split() for candidate in img["srcset"].split(",")]
    assert [width for _url, width in renditions] == ["400w", "800w", "1200w"]
    assert all(".width-" in url for url, _width in renditions)
    assert (img["width"], img["height"]) == ("400", "250")  # the ratio of the original
    assert img["loading"] == "lazy"
    assert img["sizes"]
    caption = figure.select_one("figcaption")
    assert caption.select_one(".cms-blog-caption").get_text() == "Europe in 1815"
    assert caption.select_one(".cms-blog-credit").get_text() == "Map: Jane Doe / CC BY 4.0"
    cite = caption.select_one("a.cms-blog-cite")
    assert cite.get_text() == "(1)"
    assert cite["href"] == "#source-1"
    assert cite["title"] == "Hobsbawm, The Age of Revolution (1962)"


def test_figure_without_caption_credit_or_source_has_no_figcaption(render, make_image):
    body = render([("figure", {"image": make_image()})])
    assert body.select_one("figure img") is not None
    assert body.select_one("figcaption") is None


@pytest.mark.parametrize(
    ("alt_text", "description", "decorative", "alt"),
    [
        ("Map of Europe, 1815", "An old map", False, "Map of Europe, 1815"),  # the editor's alt
        ("", "An old map", False, "An old map"),  # falls back to the image's description
        ("", "", False, "Map"),  # then to the image's title
        ("Map of Europe, 1815", "An old map", True, ""),  # decorative: empty, screen readers skip
    ],
)
def test_figure_alt_text(render, make_image, alt_text, description, decorative, alt):
    image = make_image(title="Map", description=description)
    value = {"image": image, "alt_text": alt_text, "decorative": decorative}
    assert render([("figure", value)]).select_one("img")["alt"] == alt


def test_quote_renders_blockquote_cite_and_citation(render):
    value = {"text": "Line one\nLine two", "attribution": "Metternich", "source": 1}
    body = render([("quote", value)], sources=["Metternich, Memoirs"])

    figure = body.select_one("figure.cms-blog-quote")
    assert figure.select_one("blockquote p").get_text("|") == "Line one|Line two"
    assert figure.select_one("figcaption cite").get_text() == "Metternich"
    assert figure.select_one("figcaption a.cms-blog-cite")["href"] == "#source-1"


def test_quote_without_attribution_or_source_has_no_figcaption(render):
    body = render([("quote", {"text": "Anonymous words."})])
    assert body.select_one("blockquote").get_text(strip=True) == "Anonymous words."
    assert body.select_one("figcaption") is None


@pytest.mark.parametrize(
    ("url", "caption", "src", "title"),
    [
        # YouTube plays from youtube-nocookie.com, start time kept; the caption is the title
        (
            "https://youtu.be/dQw4w9WgXcQ?t=42",
            "The Congress dances",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42",
            "The Congress dances",
        ),
        # Vimeo with dnt=1; without a caption the title names the provider
        (
            "https://vimeo.com/76979871",
            "",
            "https://player.vimeo.com/video/76979871?dnt=1",
            "Vimeo video",
        ),
    ],
)
def test_video_renders_a_privacy_enhanced_lazy_iframe(render, url, caption, src, title):
    figure = render([("video", {"url": url, "caption": caption})]).select_one("figure")
    iframe = figure.select_one("iframe")
    assert iframe["src"] == src
    assert iframe["title"] == title
    assert iframe["loading"] == "lazy"
    assert (figure.select_one("figcaption") is not None) is bool(caption)


def test_block_text_is_escaped(render, make_image):
    evil = '<script>alert("x")</script>'
    body = render(
        [
            ("figure", {"image": make_image(), "caption": evil, "credit": evil, "alt_text": evil}),
            ("quote", {"text": evil, "attribution": evil}),
            ("video", {"url": "https://vimeo.com/76979871", "caption": evil}),
        ]
    )
    assert body.select("script") == []
    assert body.select_one("img")["alt"] == evil  # as text, inside the attribute
    assert body.select_one("blockquote").get_text(strip=True) == evil


def test_sources_are_listed_with_ids_the_citations_link_to(client, make_post):
    post = make_post("Vienna 1815", sources=["Hobsbawm 1962", "Zamoyski 2007"])
    post.sources.filter(citation="Zamoyski 2007").update(url="https://example.com/rites")

    soup = BeautifulSoup(client.get(post.url).content, "html.parser")

    items = soup.select(".cms-blog-sources ol li")
    assert [(li["id"], li["value"]) for li in items] == [("source-1", "1"), ("source-2", "2")]
    assert items[0].select_one("a") is None
    assert items[1].select_one("a")["href"] == "https://example.com/rites"


def test_no_sources_section_without_sources(client, make_post):
    post = make_post("Vienna 1815")
    soup = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert soup.select_one(".cms-blog-sources") is None


def test_text_block_offers_no_inline_images_or_embeds():
    # Images belong in figure blocks and videos in video blocks; an oEmbed embed needs the
    # network. Headings, lists and links stay.
    features = BlogBodyBlock.base_blocks["text"].features
    assert {"image", "embed"}.isdisjoint(features)
    assert {"h2", "bold", "italic", "ol", "ul", "link"} <= set(features)


def test_a_stored_video_url_that_does_not_parse_renders_nothing(client, make_post):
    # Validation keeps such URLs out of the admin; imported JSON or a script can still store one.
    post = make_post("Old import", body=[("video", {"url": "https://example.com/x"})])

    response = client.get(post.url)

    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select_one(".cms-blog-video") is None
