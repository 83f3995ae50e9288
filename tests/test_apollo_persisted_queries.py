"""Apollo Client's own persisted-query link (``createPersistedQueryLink`` with
``useGETForHashedQueries``) against the live server: the first client's hash is unknown, so it
registers the document and gets its answer; a second, fresh client gets it by hash over GET, from
the response cache, with an ETag - the request a CDN caches.

Runs ``node tests/apollo/persisted_query.mjs``; skipped with a reason without ``node`` or without
``tests/apollo/node_modules`` (``make install`` runs ``npm ci --prefix tests/apollo`` where npm
exists), unless ``CMS_BLOG_REQUIRE_NODE=1`` (CI) makes that a failure."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

APOLLO = Path(__file__).parent / "apollo"
REQUIRE_NODE = os.environ.get("CMS_BLOG_REQUIRE_NODE") == "1"
# The live server answers from another thread: it sees committed rows only; Wagtail's initial
# site is restored after the test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def missing_node() -> str | None:
    """Why the check cannot run here, or None."""
    if shutil.which("node") is None:
        return "Apollo's persisted-query link not checked: no node on PATH"
    if not (APOLLO / "node_modules" / "@apollo" / "client").is_dir():
        return (
            "Apollo's persisted-query link not checked: tests/apollo/node_modules is missing "
            "(npm ci --prefix tests/apollo)"
        )
    return None


@pytest.fixture
def node() -> str:
    missing = missing_node()
    if missing and REQUIRE_NODE:
        pytest.fail(f"CMS_BLOG_REQUIRE_NODE=1, but {missing}")
    if missing:
        pytest.skip(missing)
    return shutil.which("node")


def test_apollo_registers_a_persisted_query_then_reads_it_by_hash_over_get(
    node, live_server, make_post, same_clock
):
    post = make_post("Vienna", tags=["congress"])

    finished = subprocess.run(
        [node, str(APOLLO / "persisted_query.mjs"), f"{live_server.url}/graphql/", str(post.pk)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr
    first, second = json.loads(finished.stdout)
    expected = {
        "post": {
            "__typename": "Post",
            "id": str(post.pk),
            "title": "Vienna",
            "tags": [{"__typename": "Tag", "name": "congress"}],
        }
    }
    assert first["data"] == second["data"] == expected
    # The hash alone, unknown; then the document with its hash, registered.
    asked_by_hash, registered = first["exchanges"]
    assert (asked_by_hash["method"], asked_by_hash["status"]) == ("GET", 200)
    assert "PERSISTED_QUERY_NOT_FOUND" in asked_by_hash["answer"]
    assert (registered["method"], registered["sentQuery"]) == ("POST", True)
    # A fresh client: the hash alone, over GET, answered from the cache, shareable.
    (by_hash,) = second["exchanges"]
    assert (by_hash["method"], by_hash["status"], by_hash["cache"]) == ("GET", 200, "hit")
    assert "query=" not in by_hash["url"]
    assert by_hash["etag"]
    assert "public" in by_hash["cacheControl"]
