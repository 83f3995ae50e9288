"""Safe defaults: the demo refuses to run in production with its published SECRET_KEY, and the
plugin's deployment checks warn about settings that weaken its guarantees."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from demo.checks import check_secret_key
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms_blog.checks import (
    FAULT_MIDDLEWARE,
    check_fault_middleware,
    check_ip_retention,
    check_shared_cache,
    check_trusted_proxy,
)
from cms_blog.models import Comment

REPO = Path(__file__).resolve().parent.parent
DEMO_KEY = "demo-only-not-secret"


@pytest.mark.parametrize(
    "debug, secret_key, ids",
    [
        (False, DEMO_KEY, ["demo.E001"]),  # production with the published key: refused
        (True, DEMO_KEY, []),  # development: the fallback is what it is for
        (False, "a-long-random-key-from-the-environment", []),  # production, a real key
    ],
)
def test_the_demo_refuses_its_published_key_in_production(settings, debug, secret_key, ids):
    settings.DEBUG = debug
    settings.DEMO_SECRET_KEY = DEMO_KEY  # what demo/settings.py publishes
    settings.SECRET_KEY = secret_key
    messages = check_secret_key()
    assert [message.id for message in messages] == ids
    for message in messages:
        assert message.is_serious()
        assert "SECRET_KEY environment variable" in message.hint
        assert "get_random_secret_key" in message.hint


def import_wsgi(**env: str) -> subprocess.CompletedProcess:
    """Import the demo's WSGI module as a WSGI server would, in a fresh interpreter."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    environment |= {"PYTHONPATH": f"{REPO / 'site'}:{REPO}", "DATABASE_URL": "sqlite://", **env}
    return subprocess.run(
        [sys.executable, "-c", "import demo.wsgi"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_demo_wsgi_application_refuses_to_start_with_the_published_key():
    # gunicorn and uWSGI run no system checks; demo/wsgi.py runs the security ones itself.
    refused = import_wsgi(DEBUG="0")
    assert refused.returncode != 0
    assert "demo.E001" in refused.stderr
    assert import_wsgi(DEBUG="0", SECRET_KEY="a-long-random-key").returncode == 0


@pytest.mark.parametrize(
    "cms_blog, ids",
    [
        ({}, ["cms_blog.W003"]),  # IPs stored, kept forever
        ({"COMMENTS_IP_RETENTION_DAYS": 30}, []),  # expired after 30 days
        ({"COMMENTS_STORE_IP": False}, []),  # none stored
        (["not", "a", "dict"], []),  # check_settings reports that one
    ],
)
def test_stored_ips_need_a_retention_policy(settings, cms_blog, ids):
    settings.CMS_BLOG = cms_blog
    assert [message.id for message in check_ip_retention()] == ids


@pytest.mark.parametrize(
    "proxy_settings, cms_blog, ids",
    [
        ({}, {}, []),  # no proxy: REMOTE_ADDR is the reader's
        ({"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}, {}, ["cms_blog.W004"]),
        ({"USE_X_FORWARDED_HOST": True}, {}, ["cms_blog.W004"]),
        (
            {"USE_X_FORWARDED_HOST": True},
            {"TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR"},
            [],
        ),  # the proxy's header is trusted for the client address too
    ],
)
def test_a_proxy_needs_the_trusted_proxy_header(settings, proxy_settings, cms_blog, ids):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.USE_X_FORWARDED_HOST = False
    for name, value in proxy_settings.items():
        setattr(settings, name, value)
    settings.CMS_BLOG = cms_blog
    assert [message.id for message in check_trusted_proxy()] == ids


def test_the_fault_middleware_is_expected(settings):
    others = [name for name in settings.MIDDLEWARE if name != FAULT_MIDDLEWARE]
    settings.MIDDLEWARE = [others[0], FAULT_MIDDLEWARE, *others[1:]]
    assert check_fault_middleware() == []
    settings.MIDDLEWARE = others
    [warning] = check_fault_middleware()
    assert warning.id == "cms_blog.W005"


@pytest.mark.parametrize(
    ("backend", "cms_blog", "ids"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", {}, ["cms_blog.W006"]),
        ("django.core.cache.backends.locmem.LocMemCache", {"GRAPHQL_RESPONSE_CACHE": False}, []),
        ("django.core.cache.backends.redis.RedisCache", {}, []),
    ],
)
def test_a_per_process_cache_is_a_warning_while_graphql_answers_are_cached(
    settings, backend, cms_blog, ids
):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.CMS_BLOG = cms_blog
    assert [message.id for message in check_shared_cache()] == ids


def test_the_warnings_are_deployment_checks(settings):
    settings.USE_X_FORWARDED_HOST = True
    settings.MIDDLEWARE = []
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ids = {"cms_blog.W003", "cms_blog.W004", "cms_blog.W005", "cms_blog.W006"}
    assert ids <= {message.id for message in run_checks(include_deployment_checks=True)}
    assert ids.isdisjoint(message.id for message in run_checks())


@pytest.fixture
def comments(make_post):
    post = make_post("Vienna")
    made = {}
    for name, age in (("old", 31), ("recent", 29)):
        comment = Comment.objects.create(
            post=post,
            author_name=name,
            author_email=f"{name}@x.org",
            body="Hi",
            ip_address="203.0.113.9",
        )
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=age)
        )
        made[name] = comment
    return made


def test_expire_comment_ips_clears_addresses_past_the_retention(settings, comments):
    settings.CMS_BLOG = {"COMMENTS_IP_RETENTION_DAYS": 30}
    out = io.StringIO()
    call_command("expire_comment_ips", stdout=out)
    assert out.getvalue() == "Cleared the IP address of 1 comment(s).\n"
    comments["old"].refresh_from_db()
    comments["recent"].refresh_from_db()
    assert comments["old"].ip_address is None
    assert comments["old"].body == "Hi"  # the comment itself stays
    assert comments["recent"].ip_address == "203.0.113.9"


def test_expire_comment_ips_needs_the_setting(comments):
    with pytest.raises(CommandError, match="COMMENTS_IP_RETENTION_DAYS"):
        call_command("expire_comment_ips", stdout=io.StringIO())
