"""Smoke test of the blog inside Wagtail's starter, with the starter's production settings (after
`migrate` and `collectstatic`): create a blog and two posts through the installed package, then
read them as a visitor would, post a comment through the page's form, and query GraphQL.

Run from the starter project's folder by .ci/starter_site.sh:
    PYTHONPATH=. DJANGO_SETTINGS_MODULE=mysite.settings.ci python .ci/starter_smoke.py
"""

import io
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import django

django.setup()

from bs4 import BeautifulSoup  # noqa: E402  (after setup, as in any Django script)
from django.core.files.images import ImageFile  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from wagtail.images import get_image_model  # noqa: E402
from wagtail.models import Site  # noqa: E402

import cms_blog  # noqa: E402
from cms_blog.models import BlogIndexPage, BlogPostPage, BlogPostSource, Comment  # noqa: E402

failures: list[str] = []


def expect(condition: bool, message: str) -> None:
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def make_image():
    """A sea with two lands, worth a screenshot."""
    picture = Image.new("RGB", (1600, 1000), (62, 110, 160))
    draw = ImageDraw.Draw(picture)
    draw.polygon([(150, 120), (700, 60), (1050, 260), (900, 520), (420, 600)], (226, 205, 150))
    draw.polygon([(1000, 600), (1450, 520), (1520, 880), (1120, 940)], (170, 190, 130))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    return get_image_model().objects.create(
        title="Europe in 1815", file=ImageFile(buffer, name="europe.jpg")
    )


def publish(index: BlogIndexPage, tags: list[str], **fields) -> BlogPostPage:
    post = BlogPostPage(**fields)
    post.sources = [BlogPostSource(citation="Harold Nicolson, The Congress of Vienna (1946).")]
    index.add_child(instance=post)
    post.tags.add(*tags)
    post.save_revision().publish()
    return post


expect(
    Path(cms_blog.__file__).resolve().is_relative_to(Path(sys.prefix).resolve()),
    f"cms_blog comes from the virtualenv's wheel ({cms_blog.__file__})",
)
expect(
    (Path(cms_blog.__file__).parent / "graphql/possibleTypes.json").is_file(),
    "the wheel ships graphql/possibleTypes.json",
)
home = Site.objects.get(is_default_site=True).root_page
index = home.add_child(instance=BlogIndexPage(title="Blog", slug="blog"))
body = [
    (
        "text",
        "<p>In 1815 the Congress of Vienna redrew the map of Europe after a quarter of a century "
        "of war, and its settlement held, with few changes, for forty years (1).</p>",
    ),
    ("figure", {"image": make_image(), "caption": "Europe after the Congress", "source": 1}),
    ("quote", {"text": "The Congress does not move, it dances.", "attribution": "Prince de Ligne"}),
]
intro_only = publish(
    index,
    ["history", "Vienna 1815"],
    title="The Congress of Vienna",
    slug="vienna",
    intro="How five powers redrew the map of Europe.",
    body=body,
)
described = publish(
    index,
    ["history"],
    title="The Treaty of Paris",
    slug="paris",
    intro="The peace that came first.",
    search_description="For search.",
)
Comment.objects.create(
    post=intro_only,
    author_name="Clara Historian",
    author_email="clara@example.com",
    body="Metternich gets the credit; Talleyrand did the work.",
    status=Comment.Status.APPROVED,
)

client = Client()
for post, description in [(intro_only, intro_only.intro), (described, "For search.")]:
    response = client.get(post.url)
    expect(response.status_code == 200, f"{post.url} answers 200 ({response.status_code})")
    soup = BeautifulSoup(response.content, "html.parser")
    found = [tag["content"] for tag in soup.select("meta[name=description]")]
    expect(found == [description], f"{post.url} has one description tag, {description!r}: {found}")
    canonical = [tag["href"] for tag in soup.select("link[rel=canonical]")]
    expect(len(canonical) == 1 and canonical[0].endswith(post.url), f"one canonical: {canonical}")
    stylesheets = [tag["href"] for tag in soup.select("link[rel=stylesheet]")]
    expect(
        any(
            href.startswith("/static/cms_blog/cms_blog.") and href.count(".") == 2
            for href in stylesheets
        ),
        f"the blog's stylesheet is served by its hashed name: {stylesheets}",
    )
    expect(soup.select_one("form.cms-blog-comment-form") is not None, "the comment form is there")

soup = BeautifulSoup(client.get(intro_only.url).content, "html.parser")
og_image = [tag["content"] for tag in soup.select("meta[property='og:image']")]
expect(
    len(og_image) == 1 and og_image[0].startswith("http") and ".fill-1200x630" in og_image[0],
    f"the first figure is the og:image, by an absolute URL: {og_image}",
)
# One host for every absolute URL, the Site's (the starter's localhost:80), not the request's.
canonical = soup.select_one("link[rel=canonical]")["href"]
expect(
    urlsplit(og_image[0]).netloc == urlsplit(canonical).netloc == "localhost",
    f"og:image and canonical on the Site's host: {og_image[0]}, {canonical}",
)

# The comment form: its errors first, then a comment held for moderation (first-time).
form = soup.select_one("form.cms-blog-comment-form")
fields = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
with override_settings(CMS_BLOG={"COMMENTS_MIN_SUBMIT_SECONDS": 0}):
    refused = client.post(form["action"], {**fields, "body": ""})
    expect(
        refused.status_code == 400, f"an empty comment is refused with 400 ({refused.status_code})"
    )
    expect(b"This field is required." in refused.content, "and its error is shown at the field")
    fields.update(body="And Castlereagh?", author_name="Ben Reader", author_email="ben@example.com")
    posted = client.post(form["action"], fields)
expect(posted.status_code == 302, f"a comment redirects to the post ({posted.status_code})")
expect(
    list(Comment.objects.filter(author_name="Ben Reader").values_list("body", "status"))
    == [("And Castlereagh?", "pending")],
    "the comment is stored, held for moderation",
)

answer = client.post(
    "/graphql/",
    json.dumps({"query": "{ posts { items { title url } } }"}),
    content_type="application/json",
)
items = answer.json().get("data", {}).get("posts", {}).get("items", [])
titles = sorted(item["title"] for item in items)
expect(
    titles == sorted([described.title, intro_only.title]), f"GraphQL lists both: {answer.json()}"
)

if failures:
    sys.exit(f"{len(failures)} failed: {failures}")
print(f"cms_blog {cms_blog.__version__} in Wagtail's starter: OK")
