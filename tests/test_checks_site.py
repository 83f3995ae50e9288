"""System checks for how the blog is wired into the site: the blocks of its base.html and the
order of its URL patterns, the traps that fail without an error."""

import re
import tomllib
import types
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.urls import include, path
from wagtail import urls as wagtail_urls

from cms_blog.checks import check_base_template, check_urls
from cms_blog.docs import DOCS_URL

REPO = Path(__file__).resolve().parent.parent
FULL_BASE = (
    "<html><head>{% block meta %}{% endblock %}{% block extra_css %}{% endblock %}</head>"
    '<body class="{% block body_class %}{% endblock %}">{% block content %}{% endblock %}</body>'
    "</html>"
)
# Wagtail's starter (`wagtail start`) base.html, cut to its blocks: no meta block.
STARTER_BASE = (
    "<html><head><title>{% block title %}{% endblock %}{% block title_suffix %}{% endblock %}"
    "</title>{% block extra_css %}{% endblock %}</head>"
    '<body class="{% block body_class %}{% endblock %}">{% block content %}{% endblock %}'
    "{% block extra_js %}{% endblock %}</body></html>"
)


def templates_setting(folder: Path) -> list[dict]:
    """Django's template engine reading ``folder`` only, plus the apps' templates."""
    return [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [folder],
            "APP_DIRS": True,
        }
    ]


def base_template_messages(tmp_path: Path, files: dict[str, str]) -> list:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    with override_settings(TEMPLATES=templates_setting(tmp_path)):
        return check_base_template()


def lacking_blocks(message) -> list[str]:
    return re.findall(r"\{% block (\w+) %\}", message.msg)


@pytest.mark.parametrize(
    ("files", "lacking"),
    [
        # every block the blog fills
        ({"base.html": FULL_BASE}, []),
        # Wagtail's starter: no meta, so posts lose their description, canonical and OG tags
        ({"base.html": STARTER_BASE}, ["meta"]),
        # each block missing is named, in one warning
        (
            {"base.html": "<body>{% block content %}{% endblock %}</body>"},
            ["body_class", "extra_css", "meta"],
        ),
        # base.html extends the site's layout, which has the blocks
        ({"base.html": '{% extends "layout.html" %}', "layout.html": FULL_BASE}, []),
        # a block base.html fills inside a block of its layout counts
        (
            {
                "base.html": '{% extends "layout.html" %}{% block body %}'
                "{% block content %}{% endblock %}{% endblock %}",
                "layout.html": FULL_BASE.replace("{% block content %}", "{% block body %}"),
            },
            [],
        ),
        # a block of the layout that base.html replaces without it is gone
        (
            {
                "base.html": '{% extends "layout.html" %}{% block head %}<title>x</title>'
                "{% endblock %}",
                "layout.html": "<head>{% block head %}"
                + FULL_BASE.replace("<html><head>", "").replace("</head>", "{% endblock %}</head>"),
            },
            ["extra_css", "meta"],
        ),
        # the site's own cms_blog/base.html extends another layout: that layout is checked
        (
            {
                "base.html": FULL_BASE,
                "cms_blog/base.html": '{% extends "blog_layout.html" %}',
                "blog_layout.html": STARTER_BASE,
            },
            ["meta"],
        ),
        # blocks inside {% if %} and {% for %} are found
        ({"base.html": "{% if x %}" + FULL_BASE + "{% endif %}"}, []),
    ],
)
def test_base_template_check_names_the_missing_blocks(tmp_path, files, lacking):
    messages = base_template_messages(tmp_path, files)
    assert [lacking_blocks(message) for message in messages] == ([lacking] if lacking else [])
    for message in messages:
        assert message.id == "cms_blog.W101"
        assert message.msg.startswith(str(tmp_path / "base.html")) or "blog_layout" in message.msg
        assert DOCS_URL + "installation.md#5-check-your-basehtml" in message.hint


def test_base_template_that_extends_base_html_gets_the_next_one(tmp_path):
    # A base.html extending "base.html" extends the next one found (here the demo's), as when the
    # page renders, instead of recursing into itself.
    with override_settings(
        TEMPLATES=[{**templates_setting(tmp_path)[0], "DIRS": [tmp_path, REPO / "templates"]}]
    ):
        (tmp_path / "base.html").write_text('{% extends "base.html" %}')
        assert check_base_template() == []
        (tmp_path / "base.html").write_text(
            '{% extends "base.html" %}{% block meta %}<meta name="x">{% endblock %}'
        )
        assert check_base_template() == []


def test_missing_base_template_is_an_error(tmp_path):
    [error] = base_template_messages(tmp_path, {})
    assert error.id == "cms_blog.E101"
    assert "base.html" in error.msg


def test_dynamic_extends_is_not_guessed(tmp_path):
    assert base_template_messages(tmp_path, {"base.html": "{% extends layout %}"}) == []


def urlconf(*patterns) -> types.ModuleType:
    """A URLconf module made of ``patterns`` (a module: URL resolvers are cached by URLconf)."""
    module = types.ModuleType("test_urlconf")
    module.urlpatterns = list(patterns)
    return module


BLOG = path("", include("cms_blog.urls"))
WAGTAIL = path("", include(wagtail_urls))


@pytest.mark.parametrize(
    ("patterns", "ids"),
    [
        ([BLOG, WAGTAIL], []),  # as documented: the blog first
        ([WAGTAIL, BLOG], ["cms_blog.W102", "cms_blog.W102"]),  # graphql/ and the comment form
        ([WAGTAIL, path("api/", include("cms_blog.urls"))], ["cms_blog.W102"] * 2),  # any prefix
        ([path("pages/", include(wagtail_urls)), BLOG], []),  # Wagtail under a prefix: no clash
        ([WAGTAIL], ["cms_blog.E102"]),  # not included at all
    ],
)
def test_url_check(patterns, ids):
    with override_settings(ROOT_URLCONF=urlconf(*patterns)):
        assert [message.id for message in check_urls()] == ids


def test_shadowed_url_warning_names_the_path_and_the_fix():
    with override_settings(ROOT_URLCONF=urlconf(WAGTAIL, BLOG)):
        graphql, comment = check_urls()
    assert graphql.msg.startswith("The blog's URL /graphql/ is answered by 'wagtail_serve'")
    assert comment.msg.startswith("The blog's URL /comments/post/1/ is answered by")
    assert 'Move path("", include("cms_blog.urls")) above' in graphql.hint
    assert DOCS_URL + "installation.md#3-add-the-urls" in graphql.hint


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_hints_point_to_the_repository_docs(tmp_path):
    """Every hint links into the docs of the repository named in pyproject.toml, at a page and
    heading that exist."""
    project_urls = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]
    assert project_urls["Documentation"].startswith(DOCS_URL)
    with override_settings(ROOT_URLCONF=urlconf(WAGTAIL)):
        messages = [*check_urls(), *base_template_messages(tmp_path, {})]
    with override_settings(ROOT_URLCONF=urlconf(WAGTAIL, BLOG)):
        messages += check_urls()
    messages += base_template_messages(tmp_path, {"base.html": STARTER_BASE})
    assert {message.id for message in messages} == {
        "cms_blog.E101",
        "cms_blog.E102",
        "cms_blog.W101",
        "cms_blog.W102",
    }
    for message in messages:
        [url] = re.findall(r"https://\S+", message.hint)
        page, anchor = (
            urlsplit(url).path.removeprefix(urlsplit(DOCS_URL).path),
            urlsplit(url).fragment,
        )
        markdown = (REPO / "docs" / page).read_text()
        headings = re.findall(r"^#+ (.+)$", markdown, re.M)
        assert anchor in [github_anchor(heading) for heading in headings], (url, headings)
