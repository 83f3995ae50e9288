"""The blog inside a site's own templates: Wagtail's starter base.html, one description tag per
post, the width of the blog's column, and valid HTML where a validator has objected."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import wagtail
from bs4 import BeautifulSoup
from django.template import Context, Engine

from cms_blog.models import Comment

REPO = Path(__file__).resolve().parent.parent
STARTER_TEMPLATE = Path(wagtail.__file__).parent / "project_template/project_name/templates"
CSS = REPO / "cms_blog/static/cms_blog/cms_blog.css"


def starter_base_html() -> str:
    """The base.html `wagtail start mysite` writes (rendered the way startproject renders it),
    with the meta block docs/installation.md adds after its <title>."""
    template = (STARTER_TEMPLATE / "base.html").read_text()
    base = Engine().from_string(template).render(Context({"project_name": "mysite"}))
    assert base.count("</title>") == 1
    return base.replace("</title>", "</title>\n{% block meta %}{% endblock %}")


# The minimal base.html of docs/installation.md, which prints the search description too.
MINIMAL_BASE = re.search(
    r"```django\n(.*?)```",
    (REPO / "docs/installation.md").read_text().split("## 5. Check your `base.html`")[1],
    re.S,
).group(1)


@pytest.fixture(params=["starter", "minimal"])
def site_base(request, tmp_path, settings) -> str:
    """Render the blog inside Wagtail's starter base.html, or the docs' minimal one."""
    (tmp_path / "base.html").write_text(
        starter_base_html() if request.param == "starter" else MINIMAL_BASE
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    return request.param


@pytest.mark.parametrize(
    ("fields", "descriptions"),
    [
        # the Promote tab's search description, printed by base.html
        ({"intro": "The intro.", "search_description": "For search."}, ["For search."]),
        # no search description: the blog's meta block gives the intro instead
        ({"intro": "The intro.", "search_description": ""}, ["The intro."]),
        # neither: no tag at all rather than an empty one
        ({"intro": "", "search_description": ""}, []),
    ],
)
def test_a_post_has_one_description(client, make_post, site_base, fields, descriptions):
    post = make_post("Vienna", **fields)
    soup = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert [tag["content"] for tag in soup.select("meta[name=description]")] == descriptions
    # the rest of the blog's meta block reaches the page
    assert soup.select_one("link[rel=canonical]")["href"].endswith(post.url)
    assert soup.select_one("link[rel=alternate][type='application/rss+xml']")


def test_starter_base_html_passes_the_checks_once_it_has_the_meta_block(site_base):
    from cms_blog.checks import check_base_template

    assert check_base_template() == []


def css_rem(name: str, css: str) -> float:
    return float(re.search(rf"{name}:\s*([\d.]+)rem;", css).group(1))


def test_column_width_is_one_value_in_css_sizes_and_docs():
    """The figure's ``sizes`` tells the browser the column's width, which --blog-measure and
    --blog-gutter set; docs/templates.md shows the same default."""
    css = CSS.read_text()
    measure, gutter = css_rem("--blog-measure", css), css_rem("--blog-gutter", css)
    figure = (REPO / "cms_blog/templates/cms_blog/blocks/figure_block.html").read_text()
    [sizes] = re.findall(r'sizes="([^"]+)"', figure)
    assert sizes == (
        f"(max-width: {measure + 2 * gutter:g}rem) calc(100vw - {2 * gutter:g}rem), {measure:g}rem"
    )
    docs = (REPO / "docs/templates.md").read_text()
    assert css_rem("--blog-measure", docs) == measure
    assert css_rem("--blog-gutter", docs) == gutter
    # and the column uses them
    assert re.search(
        r"\.cms-blog-listing, \.cms-blog-article \{[^}]*max-width: var\(--blog-measure\)", css
    )


# HTML's valid global date and time string: at most three digits of a second's fraction.
HTML_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)$")


@pytest.mark.parametrize(
    ("time_zone", "created_at", "expected"),
    [
        # microseconds, as the database stores them: dropped
        ("UTC", datetime(2026, 3, 1, 9, 30, 5, 123456, tzinfo=UTC), "2026-03-01T09:30:05+00:00"),
        # the site's time zone, with its offset on that day
        ("Europe/Vienna", datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "2026-07-01T14:00:00+02:00"),
    ],
)
def test_comment_time_is_a_valid_html_datetime(
    client, make_post, settings, time_zone, created_at, expected
):
    settings.TIME_ZONE = time_zone
    post = make_post("Vienna")
    comment = Comment.objects.create(
        post=post,
        author_name="Clara",
        author_email="clara@example.com",
        body="Well put.",
        status=Comment.Status.APPROVED,
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=created_at)  # past auto_now_add
    soup = BeautifulSoup(client.get(post.url).content, "html.parser")
    value = soup.select_one(f"#comment-{comment.pk} time")["datetime"]
    assert value == expected
    assert HTML_DATETIME.match(value)
