"""Benchmark: render time and SQL queries of the blog's public pages as the blog grows.

Run with ``make benchmark``. It builds a throwaway SQLite database (or uses DATABASE_URL), creates
blogs of increasing size, and prints, per page: the number of SQL queries and the median wall time
of repeated requests. The query count must stay flat as the blog grows; the time is for reading,
not for asserting (it depends on the machine).
"""

import statistics
import time

from queries import list_query  # beside this script
from throwaway import throwaway_site

throwaway_site()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cms_blog.models import BlogPostPage  # noqa: E402

REPEATS = 15
GRAPHQL_LIST = list_query(20)


def measure(client: Client, method: str, url: str, **kwargs) -> tuple[int, float]:
    getattr(client, method)(url, **kwargs)  # warm up: renditions, caches
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    query_count = len(queries)  # read now: the next request resets the connection's query log
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        getattr(client, method)(url, **kwargs)
        timings.append((time.perf_counter() - start) * 1000)
    return query_count, statistics.median(timings)


def grow_blog(template: BlogPostPage, total: int) -> None:
    """Copy the demo's richest post (body, sources, tags and comments) until there are ``total``."""
    index = template.get_parent()
    for number in range(BlogPostPage.objects.count(), total):
        template.copy(
            to=index,
            update_attrs={"slug": f"copy-{number}", "title": f"{template.title} ({number})"},
            keep_live=True,
        )


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    template = BlogPostPage.objects.get(slug="reading-a-map-of-europe-in-1815")
    client = Client()
    pages = [
        ("index page", "get", "/", {}),
        ("post page", "get", template.url, {}),
        ("feed", "get", "/feed/", {}),
        (
            "GraphQL posts(perPage: 20)",
            "post",
            "/graphql/",
            {"data": {"query": GRAPHQL_LIST}, "content_type": "application/json"},
        ),
    ]
    print(f"{'page':<28} {'posts':>6} {'queries':>8} {'median ms':>10}")
    # The cost of rendering: GraphQL answers executed, never from the response cache
    # (benchmarks/graphql_api.py measures that).
    with override_settings(
        CMS_BLOG={**getattr(settings, "CMS_BLOG", {}), "GRAPHQL_RESPONSE_CACHE": False}
    ):
        for total in (4, 20, 60):
            grow_blog(template, total)
            for name, method, url, kwargs in pages:
                queries, median = measure(client, method, url, **kwargs)
                print(f"{name:<28} {total:>6} {queries:>8} {median:>10.1f}")


if __name__ == "__main__":
    main()
