"""The docs stay true to the repository: relative links and images point at files that exist,
mkdocs.yml's nav lists every page and only pages that exist, and docs/settings.md documents every
CMS_BLOG key and no other; README links every page, by absolute URLs."""

import re
import tomllib
from pathlib import Path

import pytest

from cms_blog.conf import DEFAULTS

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
PAGES = sorted(DOCS.glob("*.md"))
MARKDOWN = [REPO / "README.md", *PAGES]

FENCED = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
# [text](target) and ![alt](target), with an optional "title" after the target.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#)", re.I)
# A nav entry: "- Title: page.md" or "- page.md", at any depth.
NAV_ENTRY = re.compile(r"^\s*-\s+(?:[^:\n]+:\s+)?(\S+\.md)\s*$", re.M)
SETTING_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.M)
EXAMPLE_KEY = re.compile(r"\"([A-Z][A-Z0-9_]*)\"\s*:")


def relative_targets(markdown: str) -> list[str]:
    """The link and image targets of a Markdown text that are paths in the repository (anchors
    dropped); links in code are not links."""
    prose = INLINE_CODE.sub("", FENCED.sub("", markdown))
    targets = []
    for target in LINK.findall(prose):
        if EXTERNAL.match(target):
            continue
        targets.append(target.split("#", 1)[0])
    return targets


def nav_pages(mkdocs_yml: str) -> list[str]:
    """The Markdown pages listed under ``nav:`` of an mkdocs.yml (read without a YAML library)."""
    nav = mkdocs_yml.split("\nnav:", 1)[1]
    # The nav ends at the next top-level key.
    nav = re.split(r"^\S", nav, maxsplit=1, flags=re.M)[0]
    return NAV_ENTRY.findall(nav)


def documented_settings(settings_md: str) -> set[str]:
    """The CMS_BLOG keys docs/settings.md documents: the first column of its tables and the keys
    of its examples, up to the section on Django's and Wagtail's own settings."""
    ours = settings_md.split("\n## Other settings", 1)[0]
    return set(SETTING_ROW.findall(ours)) | set(EXAMPLE_KEY.findall(ours))


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        # a page link, an image and a link to a folder's file, anchors dropped
        (
            "See [a](content.md#figure), ![b](screenshots/x.png) and [c](../LICENSE).",
            ["content.md", "screenshots/x.png", "../LICENSE"],
        ),
        # a title after the target is not part of it
        ('[a](demo.md "The demo")', ["demo.md"]),
        # web addresses, mail and same-page anchors are not files
        ("[a](https://x.org/a.md) [b](mailto:a@b.c) [c](#settings) <http://x>", []),
        # links shown as code are examples, not links
        ("`[a](gone.md)`\n```md\n[b](gone.md)\n```\n", []),
    ],
)
def test_relative_targets(markdown, expected):
    assert relative_targets(markdown) == expected


def test_nav_pages_reads_nested_sections_and_stops_at_the_next_key():
    mkdocs_yml = "site_name: x\nnav:\n  - Home: index.md\n  - Guide:\n      - a.md\ntheme: x.md\n"
    assert nav_pages(mkdocs_yml) == ["index.md", "a.md"]


def test_documented_settings_skip_django_settings():
    settings_md = (
        '| `PAGE_SIZE` | `10` | x |\n```python\nCMS_BLOG = {"COMMENTS_MODERATION": "all"}\n```\n'
        "## Other settings the blog reads\n| `DEBUG` | x |\n"
    )
    assert documented_settings(settings_md) == {"PAGE_SIZE", "COMMENTS_MODERATION"}


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda path: str(path.relative_to(REPO)))
def test_relative_links_and_images_exist(path: Path):
    missing = [
        target
        for target in relative_targets(path.read_text())
        if not (path.parent / target).exists()
    ]
    assert not missing, f"{path.relative_to(REPO)} links to missing files: {missing}"


def test_every_page_is_in_the_nav_and_every_nav_entry_exists():
    listed = nav_pages((REPO / "mkdocs.yml").read_text())
    assert len(listed) == len(set(listed)), f"pages listed twice in mkdocs.yml: {listed}"
    pages = {path.name for path in PAGES}
    assert pages - set(listed) == set(), "pages missing from mkdocs.yml's nav"
    assert set(listed) - pages == set(), "mkdocs.yml's nav lists pages that do not exist"


def test_every_setting_is_documented_and_every_documented_setting_exists():
    documented = documented_settings((DOCS / "settings.md").read_text())
    assert set(DEFAULTS) - documented == set(), "CMS_BLOG keys missing from docs/settings.md"
    assert documented - set(DEFAULTS) == set(), "docs/settings.md documents unknown keys"


def repository_paths(markdown: str, repository: str) -> list[str]:
    """The repository files that a Markdown text's absolute links and images point to: GitHub's
    page of a file (…/blob/main/path) or the file itself (raw.githubusercontent.com/…/main/path)."""
    raw = repository.replace("https://github.com/", "https://raw.githubusercontent.com/")
    prefixes = (f"{repository}/blob/main/", f"{raw}/main/")
    prose = INLINE_CODE.sub("", FENCED.sub("", markdown))
    return [
        target.split("#", 1)[0].removeprefix(prefix)
        for target in LINK.findall(prose)
        for prefix in prefixes
        if target.startswith(prefix)
    ]


def test_repository_paths():
    markdown = (
        "[a](https://github.com/o/r/blob/main/docs/a.md#x) ![b](https://raw.githubusercontent.com"
        "/o/r/main/docs/b.png) [c](https://github.com/o/r) [d](docs/d.md)"
    )
    assert repository_paths(markdown, "https://github.com/o/r") == ["docs/a.md", "docs/b.png"]


def test_readme_works_as_the_package_description():
    """README.md is the package's long description (PyPI shows it): its links to the docs, the
    screenshots and the changelog are absolute URLs into the repository of pyproject.toml, and
    point at files that exist; it links every page of the docs."""
    readme = (REPO / "README.md").read_text()
    repository = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]
    assert relative_targets(readme) == [], "relative links break outside the repository"
    linked = repository_paths(readme, repository["Repository"])
    assert [path for path in linked if not (REPO / path).exists()] == []
    assert {f"docs/{path.name}" for path in PAGES} - set(linked) == set(), "pages missing"
    assert {"CHANGELOG.md", "docs/screenshots/post-desktop.png"} <= set(linked)
    # the two commands stay at the top
    assert readme.split("```sh\n", 1)[1].startswith("make demo")
