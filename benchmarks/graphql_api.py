"""Benchmark: the GraphQL API uncached, cached and against its floor, and wagtail-grapple's answer
to the same list.

Run with ``make benchmark`` (after benchmarks/pages.py). It builds a throwaway SQLite database
with 20 posts of 11 blocks (text, figures with images, quotes, a video) and 8 comments each, plus
one older post with 200 comments, and prints for the 20-post list, one post, the post with 200
comments and ``addComment``: the SQL queries of one request, and the median and p95 wall time of
repeated requests, for:

- ``uncached``: a POST with the response cache off (``GRAPHQL_RESPONSE_CACHE``), the whole
  execution;
- ``cached (local memory)`` and ``cached (Redis)``: an anonymous GET asked twice, the second
  timed, with what the ``X-CMS-Blog-Cache`` header said (Redis: ``REDIS_URL``, default
  redis://127.0.0.1:6379/11, skipped with a note when unreachable);
- ``floor``: a plain view of this benchmark's URLconf answering the same bytes through the same
  middleware, the least any cache could cost;
- ``grapple``: the list through wagtail-grapple, when the ``bench`` extra installed it.

and the ratios the targets are stated in (docs/graphql.md, "Performance"). The times are for
reading, not for asserting: they depend on the machine. The wall times also depend on what else
it runs; the median CPU time of this process (the benchmark runs everything in-process, SQLite
included, Redis aside) depends much less on that.
"""

import json
import os
import statistics
import time
from collections.abc import Callable
from itertools import count
from urllib.parse import urlencode

from queries import POST_FIELDS, list_query  # beside this script
from throwaway import throwaway_site

throwaway_site("benchmarks.bench_site.settings")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11")
# The demo settings would put their own cache on REDIS_URL: the benchmark chooses per column.
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

import io  # noqa: E402
from datetime import date, timedelta  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.files.images import ImageFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from wagtail.images import get_image_model  # noqa: E402
from wagtail.models import Site  # noqa: E402

from benchmarks.bench_site.urls import FLOOR_BODIES  # noqa: E402
from cms_blog.cache import store  # noqa: E402
from cms_blog.models import BlogPostSource, Comment, get_index_model, get_post_model  # noqa: E402

REPEATS = 30
POSTS = 20
COMMENTS = 8
MANY_COMMENTS = 200

LIST_QUERY = list_query(POSTS)
POST_QUERY = f"query ($slug: String!) {{ post(slug: $slug) {{ {POST_FIELDS} }} }}"
ADD_COMMENT = """mutation ($input: AddCommentInput!) {
  addComment(input: $input) { status errors { field messages } comment { authorName bodyHtml } }
}"""
# The same list through grapple's schema (benchmarks/bench_site/grapple_fields.py).
GRAPPLE_LIST = f"""{{ pages(contentType: "cms_blog.BlogPostPage", limit: {POSTS}, order: "-id") {{
  ... on BlogPostPage {{ title url date tags {{ name }}
    body {{ blockType ... on RichTextBlock {{ value }}
      ... on FigureBlock {{ caption altText source
        image {{ url rendition(width: 800) {{ url }} srcSet(sizes: [400, 800]) }} }}
      ... on VideoBlock {{ url }} ... on QuoteBlock {{ text attribution }} }}
    approvedThreads {{ authorName bodyHtml approvedReplies {{ authorName
      approvedReplies {{ authorName }} }} }} }}
}} }}"""

BLOCKS = ["text", "figure", "text", "quote", "figure", "text", "video", "figure", "text"]
BLOCKS += ["quote", "figure"]  # 11 blocks: 4 rich texts, 4 figures, 2 quotes, a video
_bodies = count(1)


class Request:
    """One request the benchmark repeats: a method, a path and what the client sends."""

    def __init__(self, method: str, path: str, **kwargs) -> None:
        self.method, self.path, self.kwargs = method, path, kwargs

    def __call__(self, client: Client):
        return getattr(client, self.method)(self.path, **self.kwargs)


def graphql_post(query: str, variables: dict | None = None, path: str = "/graphql/") -> Request:
    body = {"query": query, "variables": variables or {}}
    return Request("post", path, data=body, content_type="application/json")


def graphql_get(query: str, variables: dict | None = None) -> Request:
    # The URL encoded once, as a frontend's request arrives: the test client's encoding is no
    # work of the server's.
    params = urlencode({"query": query, "variables": json.dumps(variables)})
    return Request("get", f"/graphql/?{params}")


def measure(client: Client, request: Callable) -> dict:
    """Queries of one request (after a warm-up that creates renditions and fills caches), then
    the median and p95 of ``REPEATS`` more, and the last response."""
    request(client)
    with CaptureQueriesContext(connection) as queries:
        response = request(client)
    assert response.status_code == 200, (response.status_code, response.content[:500])
    query_count = len(queries)  # read now: the next request resets the connection's query log
    timings, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = request(client)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    return {
        "queries": query_count,
        "median": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)],
        "cpu": statistics.median(cpu),
        "response": response,
    }


def answer_of(response) -> dict:
    answer = json.loads(response.content)
    assert not answer.get("errors"), answer["errors"]
    return answer


def make_images(number: int) -> list:
    images = []
    for index in range(number):
        buffer = io.BytesIO()
        PILImage.new("RGB", (1200, 800), (40 + index * 30, 90, 160)).save(buffer, "JPEG")
        images.append(
            get_image_model().objects.create(
                title=f"Map {index}", file=ImageFile(buffer, name=f"map-{index}.jpg")
            )
        )
    return images


def body(images: list, number: int, target) -> list:
    children = []
    for position, kind in enumerate(BLOCKS):
        if kind == "text":
            children.append(
                (
                    "text",
                    f'<p>Paragraph {position} of post {number}, citing (1), with <a linktype="page"'
                    f' id="{target.pk}">a link</a> and <b>bold</b> words.</p><p>More text.</p>',
                )
            )
        elif kind == "figure":
            image = images[(number + position) % len(images)]
            figure = {"image": image, "caption": f"Figure {position}", "source": 2}
            children.append(("figure", figure))
        elif kind == "quote":
            quote = {"text": "A quotation.", "attribution": "Someone", "source": 1}
            children.append(("quote", quote))
        else:
            children.append(("video", {"url": "https://youtu.be/dQw4w9WgXcQ", "caption": "Video"}))
    return children


def add_comments(post, total: int) -> None:
    """``total`` approved comments: top-level ones, each with one reply."""
    fields = {"post": post, "author_email": "reader@example.com", "status": "approved"}
    for _ in range(total // 2):
        top = Comment.objects.create(
            author_name="Reader", body=f"Comment {next(_bodies)}", **fields
        )
        Comment.objects.create(
            author_name="Replier", body=f"Reply {next(_bodies)}", parent=top, **fields
        )


def build_blog() -> tuple:
    """An old post with ``MANY_COMMENTS``, then the ``POSTS`` newer ones the list shows, with
    ``COMMENTS`` each. Returns (a post with few comments, the post with many)."""
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=get_index_model()(title="Blog", slug="blog"))
    images = make_images(6)
    today = date.today()
    posts = []
    for number in range(POSTS + 1):
        post = get_post_model()(
            title=f"Post {number}",
            slug=f"post-{number}",
            date=today - timedelta(days=POSTS - number),
            intro="An intro.",
            body=body(images, number, target=index),
        )
        post.sources = [BlogPostSource(citation=f"Source {n}") for n in (1, 2)]
        index.add_child(instance=post)
        post.tags.add("maps", f"tag-{number % 5}")
        post.save_revision().publish()
        add_comments(post, COMMENTS if number else MANY_COMMENTS)
        posts.append(post)
    return posts[-1], posts[0]


def redis_cache() -> dict | None:
    """The CACHES setting of the Redis column, or None when Redis does not answer."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}


def row(name: str, mode: str, figures: dict | None, note: str = "") -> None:
    if figures is None:
        print(f"{name:<24} {mode:<22} {'—':>7} {'—':>9} {'—':>9} {'—':>9}  {note}")
        return
    print(
        f"{name:<24} {mode:<22} {figures['queries']:>7} {figures['median']:>9.2f}"
        f" {figures['p95']:>9.2f} {figures['cpu']:>9.2f}  {note}"
    )


def cached(client: Client, name: str, get: Request) -> tuple[dict, str]:
    """A GET asked twice, the second timed: the figures and what the cache header said."""
    cache.clear()
    get(client)
    # A cleared cache makes the first answer purge every answer (the settings version is gone):
    # answers computed within the clock margin after a purge are not kept.
    time.sleep(store.CLOCK_MARGIN)
    get(client)
    figures = measure(client, get)
    return figures, figures["response"].headers.get("X-CMS-Blog-Cache", "absent")


def main() -> None:
    call_command("migrate", verbosity=0)
    few, many = build_blog()
    client = Client()
    reads = {
        f"list ({POSTS} posts)": (LIST_QUERY, None),
        f"post ({COMMENTS} comments)": (POST_QUERY, {"slug": few.slug}),
        f"post ({MANY_COMMENTS} comments)": (POST_QUERY, {"slug": many.slug}),
    }
    caches = {"local memory": settings.CACHES, "Redis": redis_cache()}
    results: dict[tuple[str, str], dict] = {}
    header = f"{'queries':>7} {'median ms':>9} {'p95 ms':>9} {'CPU ms':>9}"
    print(f"{'request':<24} {'mode':<22} {header}  note")
    executing = override_settings(
        CMS_BLOG={**getattr(settings, "CMS_BLOG", {}), "GRAPHQL_RESPONSE_CACHE": False}
    )
    for name, (query, variables) in reads.items():
        with executing:
            uncached = measure(client, graphql_post(query, variables))
        answer_of(uncached["response"])
        results[name, "uncached"] = uncached
        row(name, "uncached (POST)", uncached)
        for label, setting in caches.items():
            if setting is None:
                row(name, f"cached ({label})", None, f"skipped: no Redis at {REDIS_URL}")
                continue
            with override_settings(CACHES=setting):
                figures, header = cached(client, name, graphql_get(query, variables))
            results[name, label] = figures
            row(name, f"cached ({label})", figures, f"X-CMS-Blog-Cache: {header}")
        FLOOR_BODIES[name] = uncached["response"].content
        results[name, "floor"] = measure(client, Request("get", f"/bench-floor/{name}/"))
        row(name, "floor view", results[name, "floor"])
        if name.startswith("list"):
            results[name, "grapple"] = grapple(client)
    for label, post in ((f"{COMMENTS} comments", few), (f"{MANY_COMMENTS} comments", many)):
        results[f"page ({label})", "html"] = figures = measure(client, Request("get", post.url))
        row(f"post page ({label})", "HTML, uncached", figures)
    results["addComment", "uncached"] = figures = measure(client, add_comment(few))
    row("addComment", "uncached (POST)", figures)
    ratios(results, list(reads))


def grapple(client: Client) -> dict | None:
    name = f"list ({POSTS} posts)"
    if not settings.GRAPPLE_INSTALLED:
        row(name, "grapple", None, "unavailable: pip install -e '.[bench]'")
        return None
    figures = measure(client, graphql_post(GRAPPLE_LIST, path="/grapple/"))
    answer = answer_of(figures["response"])
    assert len(answer["data"]["pages"]) == POSTS, answer
    row(name, "grapple (POST)", figures)
    return figures


def add_comment(post) -> Callable:
    """A new comment each time: the store refuses a body it already has from the same email."""

    def request(client: Client):
        variables = {
            "input": {
                "postId": str(post.pk),
                "authorName": "Benchmark",
                "authorEmail": "bench@example.com",
                "body": f"Benchmark comment {next(_bodies)}",
            }
        }
        response = graphql_post(ADD_COMMENT, variables)(client)
        assert not answer_of(response)["data"]["addComment"]["errors"]
        return response

    return request


def ratios(results: dict, reads: list[str]) -> None:
    def ratio(numerator: tuple, denominator: tuple) -> str:
        top, bottom = results.get(numerator), results.get(denominator)
        if not top or not bottom:
            return "—"
        return f"{top['median'] / bottom['median']:.2f} (CPU {top['cpu'] / bottom['cpu']:.2f})"

    print()
    listing = reads[0]
    print(f"grapple / ours, uncached list: {ratio((listing, 'grapple'), (listing, 'uncached'))}")
    for name in reads:
        for label in ("local memory", "Redis"):
            print(f"cached ({label}) / floor, {name}: {ratio((name, label), (name, 'floor'))}")
    print(
        f"{MANY_COMMENTS} / {COMMENTS} comments, GraphQL post: "
        f"{ratio((reads[2], 'uncached'), (reads[1], 'uncached'))}"
    )
    pages = (f"page ({MANY_COMMENTS} comments)", "html"), (f"page ({COMMENTS} comments)", "html")
    print(f"{MANY_COMMENTS} / {COMMENTS} comments, post page: {ratio(*pages)}")


if __name__ == "__main__":
    main()
