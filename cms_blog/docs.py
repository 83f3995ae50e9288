"""Where the documentation lives: the repository's docs/ folder, since an installed package has
none to point a hint or a help page at. The same repository as pyproject.toml's project URLs
(tests/test_checks_site.py keeps them together)."""

DOCS_URL = "https://github.com/cms-blog/wagtail-cms-blog/blob/main/docs/"


def docs_url(page: str, anchor: str = "") -> str:
    """The absolute URL of a page of the docs (and an anchor in it)."""
    return f"{DOCS_URL}{page}" + (f"#{anchor}" if anchor else "")
