"""Every change that alters public output invalidates exactly the cache tags of what it changed,
once its transaction commits: in Django's cache and through the CDN purger, never before the
commit and never for changes the public could not see. After each, every GraphQL read the
response cache kept answers what executing it answers (``purged``)."""

import datetime
import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction, Site

from cms_blog import changes
from cms_blog.cache import invalidation
from cms_blog.cache.purgers import TagPurger
from cms_blog.cache.store import TaggedCache, now
from cms_blog.models import get_index_model, get_post_model
from tests.factories import make_comment
from tests.graphql_support import assert_fresh, cached_reads
from tests.pending_changes import settle
from tests.test_frontend_cache import DISCUSSION_CHANGES

DAY = datetime.timedelta(days=1)
START = datetime.date(2024, 1, 1)
PURGED: list[str] = []


class RecordingPurger(TagPurger):
    """A CDN that writes down the tags it is asked to purge."""

    def purge_batch(self, tags: list[str]) -> None:
        PURGED.extend(tags)


@pytest.fixture(autouse=True)
def purger(settings):
    settings.CMS_BLOG = {"CDN_PURGER": f"{__name__}.RecordingPurger"}
    PURGED.clear()


@pytest.fixture
def purged(
    django_capture_on_commit_callbacks, client, same_clock
) -> Callable[[Callable[[], object]], set[str]]:
    """The tags ``change`` purges once it commits (none before), ``skipped:`` fallbacks aside.
    Every GraphQL read cached before the change answers fresh after it."""

    def run(change: Callable[[], object]) -> set[str]:
        settle()
        reads = cached_reads(client)
        PURGED.clear()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            change()
        assert PURGED == [], "purged before the transaction committed"
        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()
        tags = {tag for tag in PURGED if not tag.startswith("skipped:")}
        assert_fresh(client, reads)
        return tags

    return run


@pytest.fixture
def three(make_post, make_image):
    """Three live posts a day apart (the middle one with a figure and a tag), and its image."""
    image = make_image()
    older = make_post("Older", date=START)
    middle = make_post(
        "Middle", date=START + DAY, tags=["history"], body=[("figure", {"image": image})]
    )
    newer = make_post("Newer", date=START + 2 * DAY)
    return older, middle, newer, image


def new_draft(parent: Page, title: str, **fields) -> Page:
    """A post created as the admin does: saved as a draft, not live."""
    post = get_post_model()(title=title, live=False, **fields)
    parent.add_child(instance=post)
    post.save_revision()
    return post


def republish(post: Page, **fields) -> None:
    post = get_post_model().objects.get(pk=post.pk)
    for name, value in fields.items():
        setattr(post, name, value)
    post.save_revision().publish()


def post_tags(*posts: Page) -> set[str]:
    return {f"post:{post.pk}" for post in posts}


def test_publishing_a_new_post_purges_it_its_new_neighbour_and_the_lists(purged, three, blog_index):
    older, middle, newer, _ = three
    draft = new_draft(blog_index, "Newest", date=START + 3 * DAY)

    tags = purged(lambda: draft.get_latest_revision().publish())

    assert tags == {*post_tags(draft, newer), "posts", "tags"}


def test_republishing_a_live_post_purges_it_and_the_lists(purged, three):
    # Its neighbours' pages show its title: they carry its tag.
    _, middle, _, _ = three

    assert purged(lambda: republish(middle, title="Middle, revised")) == {
        *post_tags(middle),
        "posts",
        "tags",
    }


def test_a_post_redated_among_others_purges_its_new_neighbours_too(purged, three, make_post):
    older, middle, newer, _ = three
    newest = make_post("Newest", date=START + 3 * DAY)
    settle()

    tags = purged(lambda: republish(older, date=START + 4 * DAY))

    # The new neighbour's page links to it now; the old ones carry its tag already.
    assert tags == {*post_tags(older, newest), "posts", "tags"}


def test_publishing_an_old_revision_purges_like_any_publish(purged, three):
    _, middle, _, _ = three
    first = middle.revisions.order_by("created_at").first()
    republish(middle, title="Middle, revised")

    assert purged(first.publish) == {*post_tags(middle), "posts", "tags"}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda post: post.unpublish(), id="unpublished"),
        pytest.param(lambda post: post.delete(), id="deleted"),
    ],
)
def test_hiding_a_post_purges_it_its_discussion_and_the_lists(purged, three, change):
    _, middle, _, _ = three
    middle = get_post_model().objects.get(pk=middle.pk)

    assert purged(lambda: change(middle)) == {
        *post_tags(middle),
        f"comments:{middle.pk}",
        "posts",
        "tags",
    }


def test_a_scheduled_post_purges_when_it_goes_live_not_when_it_is_scheduled(
    purged, three, blog_index
):
    _, _, newer, _ = three
    draft = new_draft(blog_index, "Tomorrow", date=START + 3 * DAY, go_live_at=timezone.now() + DAY)
    revision = draft.get_latest_revision()

    assert purged(revision.publish) == set()

    # The time comes.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    tags = purged(lambda: call_command("publish_scheduled", stdout=io.StringIO()))

    assert tags == {*post_tags(draft, newer), "posts", "tags"}


def test_an_expired_post_purges_when_publish_scheduled_unpublishes_it(purged, three):
    _, middle, _, _ = three
    get_post_model().objects.filter(pk=middle.pk).update(expire_at=timezone.now() - DAY)

    tags = purged(lambda: call_command("publish_scheduled", stdout=io.StringIO()))

    assert tags == {*post_tags(middle), f"comments:{middle.pk}", "posts", "tags"}


def test_moving_a_post_purges_it_its_new_neighbours_and_the_lists(
    purged, three, site_root, make_post
):
    older, middle, _, _ = three
    other_blog = get_index_model()(title="Other blog", slug="other")
    site_root.add_child(instance=other_blog)
    neighbour = make_post("Other's", date=START, parent=other_blog)
    settle()

    tags = purged(lambda: middle.move(other_blog, pos="last-child"))

    # The old neighbours show the moved post: its own tag reaches them.
    assert tags == {*post_tags(middle, neighbour), "posts", "tags"}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda post: post.save_revision(), id="a draft saved"),
        pytest.param(lambda post: post.delete(), id="a draft deleted"),
    ],
)
def test_changes_to_posts_the_public_never_saw_purge_nothing(purged, blog_index, change):
    draft = new_draft(blog_index, "Draft")
    settle()

    assert purged(lambda: change(get_post_model().objects.get(pk=draft.pk))) == set()


def test_changing_a_blog_index_purges_every_answer(purged, three, blog_index):
    index = get_index_model().objects.get(pk=blog_index.pk)
    index.title = "The blog, renamed"

    assert purged(lambda: index.save_revision().publish()) == {"cms_blog"}


def test_changing_a_site_purges_every_answer(purged, three, site_root):
    site = Site.objects.get(is_default_site=True)
    site.hostname = "blog.example.com"  # the posts' absolute URLs change

    assert purged(site.save) == {"cms_blog"}


@pytest.mark.parametrize("restricted", ["post", "index"])
def test_making_a_post_or_its_blog_private_purges_every_answer(purged, three, restricted):
    _older, middle, _newer, _image = three
    page = middle if restricted == "post" else middle.get_parent()

    assert purged(
        lambda: PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
    ) == {"cms_blog"}
    # And public again.
    assert purged(lambda: PageViewRestriction.objects.filter(page=page).delete()) == {"cms_blog"}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda image: setattr(image, "title", "Map, 1815") or image.save(), id="saved"
        ),
        pytest.param(lambda image: image.delete(), id="deleted"),
        pytest.param(lambda image: image.renditions.all().delete(), id="renditions deleted"),
    ],
)
def test_image_changes_purge_the_posts_showing_the_image(purged, three, change):
    _, middle, _, image = three
    image.get_rendition("width-400")
    settle()

    assert purged(lambda: change(image)) == post_tags(middle)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda tag: setattr(tag, "name", "History!") or tag.save(), id="renamed"),
        pytest.param(lambda tag: tag.delete(), id="deleted"),
    ],
)
def test_tag_changes_purge_the_tag_lists_and_the_tagged_posts(purged, three, change):
    _, middle, _, _ = three

    assert purged(lambda: change(Tag.objects.get(slug="history"))) == {
        *post_tags(middle),
        "posts",
        "tags",
    }


@pytest.mark.parametrize(("status", "change", "purges"), DISCUSSION_CHANGES)
def test_discussion_changes_purge_the_posts_discussion(purged, post, status, change, purges):
    comment = make_comment(post, status=status)

    assert purged(lambda: change(comment)) == ({f"comments:{post.pk}"} if purges else set())


def test_erasing_a_commenter_purges_the_discussions_showing_them(purged, post):
    make_comment(post, author_email="ann@example.com")

    tags = purged(lambda: call_command("erase_comments", "ann@example.com", stdout=io.StringIO()))

    assert tags == {f"comments:{post.pk}"}


def test_a_rolled_back_change_purges_nothing(purged, three):
    _, middle, _, _ = three

    def rolled_back() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            republish(middle, title="Never")
            raise RuntimeError

    assert purged(rolled_back) == set()


def test_per_record_purges_also_purge_the_fallback_tags(purged, post):
    make_comment(post)
    purged(lambda: get_post_model().objects.get(pk=post.pk).unpublish())

    assert {"skipped:post", "skipped:comments"} <= set(PURGED)


def test_a_change_makes_entries_of_djangos_cache_depending_on_it_stale(purged, three):
    older, middle, newer, _ = three
    entries = TaggedCache("test")
    started = now() - 1
    entries.set("middle", "cached", post_tags(middle), started_at=started, timeout=None)
    entries.set("unrelated", "cached", {"comments:999"}, started_at=started, timeout=None)

    purged(lambda: republish(middle, title="Middle, revised"))

    assert entries.get("middle") is None
    assert entries.get("unrelated") == "cached"


def test_invalidate_waits_for_the_commit(db, purged):
    assert purged(lambda: changes.invalidate({"post:1", "posts"})) == {"post:1", "posts"}


def test_a_settings_change_purges_every_answer_once(monkeypatch):
    monkeypatch.setattr(invalidation, "_checked_version", None)
    invalidation.purge_if_settings_changed()
    PURGED.clear()

    invalidation.purge_if_settings_changed()
    assert PURGED == []  # the same settings: nothing

    with override_settings(
        CMS_BLOG={"CDN_PURGER": f"{__name__}.RecordingPurger", "INDEX_PAGE_SIZE": 3}
    ):
        invalidation.purge_if_settings_changed()
        invalidation.purge_if_settings_changed()

    assert PURGED == ["cms_blog"]
