"""A real Varnish with the xkey vmod, running the VCL of docs/caching.md in front of the live test
server: it serves cached pages itself, and a publish or a comment approval purges exactly the
pages depending on them, which come back fresh.

Skipped with a reason where ``varnishd`` (Debian: ``varnish`` and ``varnish-modules``) is absent,
unless ``CMS_BLOG_REQUIRE_VARNISH=1`` (CI) makes that a failure. The test starts its own
``varnishd`` (its own work folder, a loopback port) and stops only that process.
"""

import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from cms_blog.models import get_post_model
from tests.factories import make_comment

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
REQUIRE_VARNISH = os.environ.get("CMS_BLOG_REQUIRE_VARNISH") == "1"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "caching.md"
DAY = datetime.timedelta(days=1)
START = datetime.date(2024, 1, 1)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not (Path(VARNISHD).exists() or REQUIRE_VARNISH),
        reason="Varnish test skipped: no varnishd (apt-get install varnish varnish-modules)",
    ),
]


def documented_vcl(backend_host: str, backend_port: int) -> str:
    """The VCL of docs/caching.md, its backend pointed at the live server."""
    vcl = re.search(r"```vcl\n(.*?)```", DOCS.read_text(), re.S).group(1)
    vcl = re.sub(r'\.host = "[^"]*";', f'.host = "{backend_host}";', vcl, count=1)
    return re.sub(r'\.port = "[^"]*";', f'.port = "{backend_port}";', vcl, count=1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Varnish:
    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str) -> requests.Response:
        # A fresh session each time: no cookie ever goes along.
        return requests.get(self.url.rstrip("/") + path, timeout=10)


@pytest.fixture
def varnish(live_server, tmp_path) -> Iterator[Varnish]:
    backend = re.match(r"http://([^:/]+):(\d+)", live_server.url)
    vcl = tmp_path / "default.vcl"
    vcl.write_text(documented_vcl(backend.group(1), int(backend.group(2))))
    port = free_port()
    process = subprocess.Popen(
        [
            VARNISHD,
            "-F",  # in the foreground: this process is varnishd's manager, stopped below
            "-j",
            "none",  # no privilege separation: the test's own user runs it
            "-n",
            str(tmp_path / "varnish"),
            "-a",
            f"127.0.0.1:{port}",
            "-T",
            "127.0.0.1:0",
            "-f",
            str(vcl),
            "-s",
            "malloc,32m",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = (
                        process.stdout.read().decode(errors="replace") if process.stdout else ""
                    )
                    pytest.fail(f"varnishd did not start:\n{output}")
                time.sleep(0.1)
        yield Varnish(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cache_state(varnish: Varnish, paths: dict[str, str]) -> dict[str, str]:
    return {name: varnish.get(path).headers["X-Cache"] for name, path in paths.items()}


def test_varnish_serves_cached_pages_and_purges_exactly_the_dependent_ones(
    varnish, settings, make_post, blog_index
):
    settings.CMS_BLOG = {
        "CDN_PURGER": "cms_blog.cache.purgers.VarnishXkeyPurger",
        "CDN_PURGER_OPTIONS": {"urls": varnish.url},
    }
    # Four posts a day apart, comments closed; the oldest has a comment waiting for a moderator.
    posts = [make_post(f"Post {n}", date=START + n * DAY, allow_comments=False) for n in range(4)]
    held = make_comment(posts[0], status="pending", body="Worth the wait")
    paths = {"index": blog_index.url, **{f"post {n}": post.url for n, post in enumerate(posts)}}

    assert set(cache_state(varnish, paths).values()) == {"MISS"}
    assert set(cache_state(varnish, paths).values()) == {"HIT"}
    assert "Worth the wait" not in varnish.get(paths["post 0"]).text

    # A comment approved: only the page showing that discussion.
    held.approve()

    assert cache_state(varnish, paths) == {
        "index": "HIT",
        "post 0": "MISS",
        "post 1": "HIT",
        "post 2": "HIT",
        "post 3": "HIT",
    }
    assert "Worth the wait" in varnish.get(paths["post 0"]).text

    # The newest post republished: it, its neighbour (whose "next post" link shows its title)
    # and the list.
    newest = get_post_model().objects.get(pk=posts[3].pk)
    newest.title = "Post 3, revised"
    newest.save_revision().publish()

    assert cache_state(varnish, paths) == {
        "index": "MISS",
        "post 0": "HIT",
        "post 1": "HIT",
        "post 2": "MISS",
        "post 3": "MISS",
    }
    assert "Post 3, revised" in varnish.get(paths["post 2"]).text
    assert "Post 3, revised" in varnish.get(paths["index"]).text
    assert set(cache_state(varnish, paths).values()) == {"HIT"}


def test_varnish_serves_graphql_gets_and_purges_exactly_the_dependent_answers(
    varnish, settings, make_post
):
    settings.CMS_BLOG = {
        "CDN_PURGER": "cms_blog.cache.purgers.VarnishXkeyPurger",
        "CDN_PURGER_OPTIONS": {"urls": varnish.url},
    }
    posts = [make_post(f"Post {n}", date=START + n * DAY) for n in range(2)]
    held = make_comment(posts[0], status="pending", body="Worth the wait")
    query = "query Count($id: ID!) { post(id: $id) { title commentCount } }"
    paths = {
        f"post {n}": "/graphql/?"
        + urlencode({"query": query, "variables": json.dumps({"id": str(post.pk)})})
        for n, post in enumerate(posts)
    }
    paths["tags"] = "/graphql/?" + urlencode({"query": "{ tags { name } }"})

    assert set(cache_state(varnish, paths).values()) == {"MISS"}
    assert set(cache_state(varnish, paths).values()) == {"HIT"}

    held.approve()

    assert cache_state(varnish, paths) == {"post 0": "MISS", "post 1": "HIT", "tags": "HIT"}
    assert varnish.get(paths["post 0"]).json() == {
        "data": {"post": {"title": "Post 0", "commentCount": 1}}
    }


def test_varnish_shares_an_open_comment_form_and_passes_readers_with_cookies(varnish, post):
    # post's comment form is open: it carries no CSRF token for anonymous readers, so it is shared.
    assert [varnish.get(post.url).headers["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]

    with_cookie = requests.get(varnish.url + post.url, cookies={"sessionid": "x"}, timeout=10)
    assert with_cookie.headers["X-Cache"] == "MISS"
