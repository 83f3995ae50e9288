"""Apply docs/installation.md's "Wagtail's starter, step by step" to a fresh `wagtail start mysite`
project, from the code blocks of that section, so CI proves the docs as written.

    python .ci/starter_steps.py naive SITE   # the blog added the way that fails silently
    python .ci/starter_steps.py docs SITE    # the documented steps

Both add the documented apps to the settings. "naive" then appends the blog's URLs after
Wagtail's catch-all and leaves base.html as the starter wrote it: `manage.py check` must warn
about both (cms_blog.W101, cms_blog.W102). "docs" writes the documented urls.py (after checking
that it is the starter's own plus the blog's line, so the docs keep up with the starter) and adds
the documented meta block to base.html.
"""

import re
import sys
import textwrap
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "installation.md"
SECTION = "## Wagtail's starter, step by step"
BLOG_URLS = 'path("", include("cms_blog.urls")),'
BASE_HTML = "{# mysite/templates/base.html, right after </title> #}"
FENCE = re.compile(r"^( *)```\w*\n(.*?)^\1```", re.M | re.S)


def documented_blocks() -> dict[str, str]:
    """The code blocks of the starter section, by their first line (a "# mysite/…" comment)."""
    section = DOCS.read_text().split(f"\n{SECTION}\n", 1)[1].split("\n## ", 1)[0]
    blocks = {}
    for _indent, code in FENCE.findall(section):
        code = textwrap.dedent(code)
        first, _, rest = code.partition("\n")
        blocks[first] = rest
    return blocks


def append(path: Path, code: str) -> None:
    path.write_text(path.read_text().rstrip("\n") + "\n\n" + code)


def add_apps(site: Path, blocks: dict[str, str]) -> None:
    append(site / "mysite/settings/base.py", blocks["# mysite/settings/base.py"])
    append(site / "mysite/settings/dev.py", blocks["# mysite/settings/dev.py"])


def naive(site: Path) -> None:
    add_apps(site, documented_blocks())
    append(site / "mysite/urls.py", f"urlpatterns += [{BLOG_URLS}]\n")


def docs(site: Path) -> None:
    blocks = documented_blocks()
    add_apps(site, blocks)
    urls = site / "mysite/urls.py"
    documented = blocks["# mysite/urls.py"]
    without_blog = "".join(line for line in documented.splitlines(True) if BLOG_URLS not in line)
    if without_blog.strip() != urls.read_text().strip():
        sys.exit(f"docs/installation.md's mysite/urls.py is not the starter's:\n{urls.read_text()}")
    urls.write_text(documented)
    [meta] = blocks[BASE_HTML].splitlines()
    base = site / "mysite/templates/base.html"
    base.write_text(base.read_text().replace("</title>", f"</title>\n        {meta}", 1))


STEPS = {"naive": naive, "docs": docs}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in STEPS:
        sys.exit(__doc__)
    STEPS[sys.argv[1]](Path(sys.argv[2]))
