"""The CDN purgers speak their CDN's purge API (faked by a loopback HTTP server), and a purger that
fails or hangs never fails or holds up an editor's publish or a reader's comment."""

import json
import logging
import time

import pytest

from cms_blog.cache.purgers import (
    CloudflareCacheTagPurger,
    FastlySurrogateKeyPurger,
    TagPurger,
    VarnishXkeyPurger,
    get_purger,
)
from cms_blog.comments.service import submit_comment
from cms_blog.models import get_post_model
from tests.local_http import LocalServer
from tests.pending_changes import settle


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def test_varnish_purger_sends_purge_with_the_key_header_to_every_server(server):
    with LocalServer() as second:
        purger = VarnishXkeyPurger(urls=[server.url, second.url], header="xkey", timeout=1)
        purger.purge(["post:1", "posts"])

        assert [(r.method, r.headers["xkey"]) for r in server.requests + second.requests] == [
            ("PURGE", "post:1 posts"),
            ("PURGE", "post:1 posts"),
        ]


def test_purges_go_in_batches(server):
    purger = VarnishXkeyPurger(urls=server.url, timeout=1)
    purger.purge([f"post:{n}" for n in range(250)])

    assert [len(r.headers["xkey-purge"].split()) for r in server.requests] == [100, 100, 50]


def test_fastly_purger_soft_purges_the_surrogate_keys(server):
    purger = FastlySurrogateKeyPurger(
        service_id="SRV", api_token="token", api_url=server.url, timeout=1
    )
    purger.purge(["posts", "post:1"])

    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/service/SRV/purge")
    assert request.headers["Surrogate-Key"] == "post:1 posts"
    assert request.headers["Fastly-Key"] == "token"
    assert request.headers["Fastly-Soft-Purge"] == "1"


def test_cloudflare_purger_purges_the_cache_tags(server):
    server.answers = [(200, b'{"success": true}')]
    purger = CloudflareCacheTagPurger(
        zone_id="ZONE", api_token="token", api_url=server.url, timeout=1
    )
    purger.purge(["posts", "post:1"])

    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/zones/ZONE/purge_cache")
    assert request.headers["Authorization"] == "Bearer token"
    assert json.loads(request.body) == {"tags": ["post:1", "posts"]}


@pytest.mark.parametrize(
    ("answer", "message"),
    [((500, b"down"), "500"), ((200, b'{"success": false}'), "refused")],
)
def test_cloudflare_purger_raises_on_a_refusal(server, answer, message):
    server.answers = [answer]
    purger = CloudflareCacheTagPurger(zone_id="Z", api_token="t", api_url=server.url, timeout=1)

    with pytest.raises(Exception, match=message):
        purger.purge(["posts"])


def test_the_configured_purger_gets_its_options_and_the_timeout(settings):
    settings.CMS_BLOG = {
        "CDN_PURGER": "cms_blog.cache.purgers.VarnishXkeyPurger",
        "CDN_PURGER_OPTIONS": {"urls": "http://varnish:6081/", "header": "xkey"},
        "CDN_PURGE_TIMEOUT": 2,
    }
    purger = get_purger()

    assert (purger.urls, purger.header, purger.timeout) == (["http://varnish:6081/"], "xkey", 2)


def test_no_purger_is_configured_by_default():
    assert get_purger() is None


class BrokenPurger(TagPurger):
    def purge_batch(self, tags):
        raise RuntimeError("the CDN is on fire")


@pytest.fixture(
    params=[
        pytest.param("broken", id="a purger that raises"),
        pytest.param("hanging", id="a CDN that never answers"),
        pytest.param("failing", id="a CDN that answers 503"),
    ]
)
def bad_cdn(request, settings):
    """A CDN purge that goes wrong; the purge timeout is 0.5 s."""
    with LocalServer(answers=[(503, b"busy")], delay=5 if request.param == "hanging" else 0) as cdn:
        purger = "cms_blog.cache.purgers.VarnishXkeyPurger"
        if request.param == "broken":
            purger = f"{__name__}.BrokenPurger"
        settings.CMS_BLOG = {
            "CDN_PURGER": purger,
            "CDN_PURGER_OPTIONS": {"urls": cdn.url} if request.param != "broken" else {},
            "CDN_PURGE_TIMEOUT": 0.5,
            "COMMENTS_MODERATION": "none",
            "COMMENTS_FLOOD_SECONDS": 0,
        }
        yield cdn


def timed(change, capture) -> float:
    """Seconds ``change`` takes, its after-commit work included."""
    settle()
    start = time.monotonic()
    with capture(execute=True):
        change()
    return time.monotonic() - start


def test_a_bad_cdn_never_fails_or_holds_up_a_publish(
    bad_cdn, post, django_capture_on_commit_callbacks, caplog
):
    post = get_post_model().objects.get(pk=post.pk)
    post.title = "Revised"

    with caplog.at_level(logging.ERROR):
        seconds = timed(lambda: post.save_revision().publish(), django_capture_on_commit_callbacks)

    post.refresh_from_db()
    assert post.title == "Revised"
    assert seconds < 2  # the purge timeout, not the CDN, bounds the wait
    assert "the CDN purge failed" in caplog.text


def test_a_bad_cdn_never_fails_or_holds_up_a_readers_comment(
    bad_cdn, post, rf, django_capture_on_commit_callbacks
):
    request = rf.post("/", REMOTE_ADDR="203.0.113.5")
    results = []

    seconds = timed(
        lambda: results.append(
            submit_comment(
                request,
                post_id=post.pk,
                author_name="Ann",
                author_email="ann@example.com",
                body="A thought.",
            )
        ),
        django_capture_on_commit_callbacks,
    )

    assert results[0].published
    assert seconds < 2
