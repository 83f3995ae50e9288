"""Cache tags, the bounded tag header, and the tag-aware view of Django's cache that a response
cache builds on: entries stale once a tag they depend on is invalidated, no key ever scanned."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from cms_blog.cache import store
from cms_blog.cache.store import TaggedCache, cache_version, invalidate_tags, now
from cms_blog.cache.tags import header_separator, header_value, tags_for_posts, with_fallbacks


@pytest.mark.parametrize(
    ("posts", "comments", "expected"),
    [
        ([3, 1], False, {"post:1", "post:3"}),
        # models or ids, the discussion too
        ([type("Post", (), {"pk": 7})()], True, {"post:7", "comments:7"}),
        ([], True, set()),
    ],
)
def test_tags_for_posts(posts, comments, expected):
    assert tags_for_posts(posts, comments=comments) == expected


def test_fallbacks_are_added_per_kind_of_record():
    assert with_fallbacks({"post:1", "comments:2", "posts"}) == {
        "post:1",
        "comments:2",
        "posts",
        "skipped:post",
        "skipped:comments",
    }


@pytest.mark.parametrize(
    ("tags", "max_bytes", "expected"),
    [
        # everything fits, with the every-answer tag, sorted
        ({"post:2", "posts"}, 100, "cms_blog post:2 posts"),
        # too long: records give way to their kind's fallback; list tags stay
        (
            {f"post:{n}" for n in range(100)} | {"comments:1", "posts"},
            100,
            "cms_blog posts skipped:comments skipped:post",
        ),
    ],
)
def test_header_value_is_bounded_with_fallback_tags(tags, max_bytes, expected):
    value = header_value(tags, max_bytes=max_bytes)
    assert value == expected
    assert len(value) <= max_bytes


@pytest.mark.parametrize(
    ("header", "separator"),
    [("Surrogate-Key", " "), ("xkey", " "), ("Cache-Tag", ","), ("cache-tag", ",")],
)
def test_cloudflares_header_is_comma_separated(header, separator):
    assert header_separator(header) == separator


@pytest.fixture
def entries(monkeypatch) -> TaggedCache:
    # Entries computed at once after an invalidation count as fresh: the clock margin is tested
    # on its own below.
    monkeypatch.setattr(store, "CLOCK_MARGIN", 0)
    return TaggedCache("test")


def test_an_entry_is_served_until_one_of_its_tags_is_invalidated(entries):
    entries.set("a", {"answer": 1}, {"post:1", "posts"}, started_at=now(), timeout=60)
    entries.set("b", "other", {"post:2"}, started_at=now(), timeout=60)
    assert entries.get("a") == {"answer": 1}

    invalidate_tags({"post:1"})

    assert entries.get("a") is None
    assert entries.get("b") == "other"


def test_an_answer_computed_from_rows_read_before_an_invalidation_is_never_served(entries):
    started = now()  # the work begins: rows are read
    invalidate_tags({"posts"})  # a change commits meanwhile
    entries.set("a", "old rows", {"posts"}, started_at=started, timeout=60)

    assert entries.get("a") is None


def test_every_entry_depends_on_the_every_answer_tag(entries):
    entries.set("a", 1, {"post:1"}, started_at=now(), timeout=60)
    invalidate_tags({"cms_blog"})
    assert entries.get("a") is None


def test_an_entry_whose_tag_record_was_evicted_is_served_only_while_nothing_changed(entries):
    entries.set("a", 1, {"post:1"}, started_at=now() - 1, timeout=60)
    cache.delete(f"{store.PREFIX}:tag:post:1")
    assert entries.get("a", "missing") == 1  # the latest invalidation is older than the entry

    invalidate_tags({"post:2"})  # something changed since: its own tags decide, and one is lost
    assert entries.get("a", "missing") == "missing"


def test_an_entry_is_not_served_when_the_record_of_every_invalidation_was_evicted(entries):
    entries.set("a", 1, {"post:1"}, started_at=now() - 1, timeout=60)
    cache.delete_many([f"{store.PREFIX}:tag:post:1", f"{store.PREFIX}:latest"])
    assert entries.get("a", "missing") == "missing"


def test_a_hit_reads_the_cache_once_while_nothing_changed(entries, monkeypatch):
    entries.set("a", 1, {f"post:{n}" for n in range(40)}, started_at=now() - 1, timeout=60)
    backend = store.backend()
    reads = []

    def get_many(keys):
        reads.append(keys)
        return type(backend).get_many(backend, keys)

    monkeypatch.setattr(backend, "get_many", get_many)
    monkeypatch.setattr(store, "backend", lambda: backend)
    assert entries.get("a") == 1
    # One read, with the entry: none of its 40 tags' marks.
    assert len(reads) == 1 and not any(":tag:" in key for key in reads[0])


def test_entries_computed_within_the_clock_margin_after_an_invalidation_are_not_served():
    entries = TaggedCache("test")
    invalidate_tags({"posts"})
    entries.set("a", 1, {"posts"}, started_at=now(), timeout=60)
    assert entries.get("a") is None
    entries.set("a", 1, {"posts"}, started_at=now() + store.CLOCK_MARGIN + 0.01, timeout=60)
    assert entries.get("a") == 1


def test_get_or_compute_computes_once(entries):
    calls = []

    def compute():
        calls.append(1)
        return "value", {"tags"}, 60

    assert entries.get_or_compute("k", compute) == "value"
    assert entries.get_or_compute("k", compute) == "value"
    assert calls == [1]


def test_a_settings_change_changes_the_version_and_every_key(entries):
    entries.set("a", 1, {"posts"}, started_at=now(), timeout=60)
    before = cache_version()

    with override_settings(CMS_BLOG={"INDEX_PAGE_SIZE": 3}):
        assert cache_version() != before
        assert entries.get("a") is None

    assert cache_version() == before
    assert entries.get("a") == 1


def test_a_cache_that_cannot_be_reached_reads_as_a_miss(entries, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("redis is down")

            return fail

    monkeypatch.setattr(store, "backend", Down)

    entries.set("a", 1, {"posts"}, started_at=now(), timeout=60)  # does not raise
    assert entries.get("a", "miss") == "miss"
