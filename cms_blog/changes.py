"""Every change that alters what the public sees, turned into the cache tags it invalidates and
the webhook events it sends.

=====================================  ==========================================================
change (signal)                        tags invalidated; webhook event
=====================================  ==========================================================
a post goes live: published, scheduled ``post:<id>``, its new neighbours' ``post:`` tags,
go-live (``page_published``)            ``posts``, ``tags``; ``post.published``
a live post published again, a         ``post:<id>``, ``posts``, ``tags`` (its new neighbours'
revision published                      tags too when its date changed); ``post.updated``
a live post moved (``post_page_move``)  ``post:<id>``, its new neighbours' tags, ``posts``,
                                        ``tags``; ``post.updated``
a post unpublished or expired          ``post:<id>``, ``comments:<id>``, ``posts``, ``tags``;
(``page_unpublished``)                  ``post.unpublished``
a post deleted (``pre_delete``)        the same; ``post.deleted``
a blog index changed in any way        ``cms_blog`` (every answer)
a Wagtail Site saved or deleted        ``cms_blog`` (its host, port and root decide which posts
                                        a host's answers show, and their URLs)
a page's privacy set or lifted         ``cms_blog`` (a view restriction on a post, its index or
(``PageViewRestriction`` saved or       any ancestor hides or shows every post under it)
deleted)
an image changed or deleted, its       ``post:<id>`` of the posts using it (Wagtail's reference
renditions deleted                      index)
a tag renamed or deleted               ``tags``, ``posts``, ``post:<id>`` of its posts
a post's public discussion changed     ``comments:<id>`` (``discussion_changed``; the comment
                                        signals send ``comment.approved`` / ``comment.removed``)
the ``CMS_BLOG`` settings changed      ``cms_blog``, once, by the first process serving with them
=====================================  ==========================================================

The old neighbours of a post that moves or goes show it: its own tag reaches them.

A transaction's changes are gathered while it runs and acted on once, after it commits (never if
it rolls back): a post published and unpublished in one transaction sends nothing, a deleted
post one event (Wagtail unpublishes it first). Acting means marking the tags in Django's cache
and queueing the CDN purge and the webhook deliveries as tasks, so a save never waits on a
network.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .cache import invalidation
from .cache.tags import ALL, POSTS, TAGS, comments_tag, post_tag
from .comments.signals import comment_approved, comment_removed, discussion_changed
from .models import Comment, get_index_model, get_post_model
from .webhooks import events

logger = logging.getLogger(__name__)

LIVE, HIDDEN, DELETED = "live", "hidden", "deleted"


@dataclass
class PostChange:
    """What one transaction did to a post: whether the public saw it before, and at the end."""

    was_live: bool
    now: str
    # Whether it took a new place among the posts (appeared, moved, re-dated): its neighbours
    # changed, and so did theirs.
    placed: bool = False
    # A deleted post's id, slug, URL and tags, read before its rows went (for webhooks).
    snapshot: dict | None = None

    @property
    def event(self) -> str | None:
        if self.now == LIVE:
            return "post.updated" if self.was_live else "post.published"
        if not self.was_live:
            return None  # never public: nothing anybody saw has changed
        return "post.deleted" if self.now == DELETED else "post.unpublished"


@dataclass
class Changes:
    """One transaction's changes; called once it commits."""

    posts: dict[int, PostChange] = field(default_factory=dict)
    image_ids: set[int] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    # Set once acted on: later changes of the same connection start a new batch.
    done: bool = False

    def post(self, post: Page, now: str, *, was_live: bool, placed: bool = False) -> PostChange:
        """Record that the post is ``now`` live, hidden or deleted; what the public saw before
        is what the transaction's first change of the post found."""
        change = self.posts.setdefault(post.pk, PostChange(was_live=was_live, now=now))
        change.placed |= placed
        # Deleted is final: Wagtail may unpublish the page after the delete began.
        if change.now != DELETED:
            change.now = now
        return change

    def __call__(self) -> None:
        self.done = True
        try:
            invalidation.invalidate_now(self.cache_tags())
        except Exception:
            logger.exception("cms_blog: cache invalidation failed")
        try:
            for post_id, change in self.posts.items():
                if change.event:
                    events.announce_post(change.event, post_id, snapshot=change.snapshot)
        except Exception:
            logger.exception("cms_blog: webhook events could not be queued")

    def cache_tags(self) -> set[str]:
        tags = set(self.tags)
        public = [pk for pk, change in self.posts.items() if change.event]
        if public:
            tags |= {POSTS, TAGS, *map(post_tag, public)}
            tags |= {comments_tag(pk) for pk in public if self.posts[pk].now != LIVE}
            placed = [pk for pk in public if self.posts[pk].now == LIVE and self.posts[pk].placed]
            # A post that appears or moves changes the previous/next links of its new neighbours
            # (its old ones show it: its own tag reaches them).
            visible = get_post_model().objects.visible()
            neighbours = visible.neighbours(placed) if placed else {}
            tags |= {post_tag(n.pk) for pair in neighbours.values() for n in pair if n}
        if self.image_ids:
            tags |= {post_tag(pk) for pk in posts_using_images(self.image_ids)}
        return tags


def invalidate(tags: Iterable[str]) -> None:
    """Invalidate ``tags`` once the current transaction commits (at once outside one): for code
    that changes public output by means the blog cannot see."""
    tags = set(tags)
    _record(lambda changes: changes.tags.update(tags))


def _current() -> Changes | None:
    """The changes gathered so far by the transaction in progress."""
    connection = transaction.get_connection()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, Changes) and not callback.done:
            return callback
    return None


def _record(change: Callable[[Changes], object]) -> None:
    """Apply ``change`` to the transaction's ``Changes``, registered to run once it commits;
    outside a transaction, act at once."""
    connection = transaction.get_connection()
    changes = _current() if connection.in_atomic_block else None
    if changes is None:
        changes = Changes()
        change(changes)
        # Outside a transaction, on_commit runs the callback at once.
        transaction.on_commit(changes, robust=True)
    else:
        change(changes)


def posts_using_images(image_ids: Iterable[int]) -> set[int]:
    """The posts whose live content shows one of these images (Wagtail's reference index)."""
    image_model = get_image_model()
    references = ReferenceIndex.objects.filter(
        to_content_type_id=ReferenceIndex._get_base_content_type(image_model),
        to_object_id__in=[str(pk) for pk in image_ids],
        base_content_type_id=ReferenceIndex._get_base_content_type(get_post_model()),
    ).values_list("object_id", flat=True)
    posts = get_post_model().objects.filter(pk__in=list(references))
    return set(posts.values_list("pk", flat=True))


# Receivers -------------------------------------------------------------------------------------


BEFORE = "_cms_blog_before"


def before_post_save(instance: Page, update_fields=None, raw=False, **kwargs) -> None:
    # Publishing saves the post with live=True: how it was stored tells "published" from
    # "updated", and whether it took a new place (re-dated) among the posts. Saves of some fields
    # only (a draft revision) never change what is live.
    if raw or (update_fields is not None and "live" not in update_fields) or not instance.live:
        return
    stored = get_post_model().objects.filter(pk=instance.pk).values_list("live", "date").first()
    # Kept on the instance: Wagtail sends page_published after save()'s own transaction.
    setattr(instance, BEFORE, stored if instance.pk else None)


def post_published(instance: Page, **kwargs) -> None:
    if not instance.live:  # scheduled: Wagtail sends the signal before the go-live time, too
        return
    # Not saved through before_post_save (an alias, say): assume the most that may have changed.
    was_live, date = instance.__dict__.pop(BEFORE, None) or (False, None)
    placed = not was_live or date != instance.date
    _record(lambda changes: changes.post(instance, LIVE, was_live=was_live, placed=placed))


def post_unpublished(instance: Page, **kwargs) -> None:
    # Wagtail sends it only for a page that was live.
    _record(lambda changes: changes.post(instance, HIDDEN, was_live=True))


def post_moved(instance: Page, **kwargs) -> None:
    if get_post_model().objects.filter(pk=instance.pk, live=True).exists():
        _record(lambda changes: changes.post(instance, LIVE, was_live=True, placed=True))


def before_post_delete(instance: Page, **kwargs) -> None:
    # Wagtail unpublishes a deleted page first, in memory only: this transaction knows it was live.
    known = getattr(_current(), "posts", {}).get(instance.pk)
    was_live = known.was_live if known else instance.live
    snapshot = events.deleted_snapshot(instance) if was_live else None

    def deleted(changes: Changes) -> None:
        changes.post(instance, DELETED, was_live=was_live).snapshot = snapshot

    _record(deleted)


def index_changed(**kwargs) -> None:
    # An index's title, intro or place shows on every page of its blog.
    _record(lambda changes: changes.tags.add(ALL))


def site_changed(raw=False, **kwargs) -> None:
    # Answers are cached by host: which Site answers a host, and its root, decide them.
    if not raw:
        _record(lambda changes: changes.tags.add(ALL))


def privacy_changed(raw=False, **kwargs) -> None:
    # A restriction hides every page under the restricted one: a post, or a whole blog.
    if not raw:
        _record(lambda changes: changes.tags.add(ALL))


def image_changed(instance, raw=False, **kwargs) -> None:
    if not raw:
        _record(lambda changes: changes.image_ids.add(instance.pk))


def before_image_delete(instance, **kwargs) -> None:
    # Wagtail drops the image's references once it is deleted: the posts are read before.
    posts = posts_using_images([instance.pk])
    _record(lambda changes: changes.tags.update(map(post_tag, posts)))


def rendition_deleted(instance, **kwargs) -> None:
    _record(lambda changes: changes.image_ids.add(instance.image_id))


def tag_changed(instance: Tag, raw=False, **kwargs) -> None:
    if raw:
        return
    posts = get_post_model().objects.filter(tags__id=instance.pk).values_list("pk", flat=True)
    tags = {POSTS, TAGS, *map(post_tag, posts)}
    _record(lambda changes: changes.tags.update(tags))


def discussion(post_ids: Iterable[int], **kwargs) -> None:
    invalidation.invalidate_now({comments_tag(pk) for pk in post_ids})


def approved(comment: Comment, **kwargs) -> None:
    events.announce_comment("comment.approved", comment)


def removed(comment: Comment, **kwargs) -> None:
    events.announce_comment("comment.removed", comment)


def connect() -> None:
    """Connect the receivers (``CmsBlogConfig.ready``)."""
    post_model, index_model = get_post_model(), get_index_model()
    receivers = [
        (pre_save, before_post_save, post_model),
        (page_published, post_published, post_model),
        (page_unpublished, post_unpublished, post_model),
        (post_page_move, post_moved, post_model),
        (pre_delete, before_post_delete, post_model),
        *[
            (signal, index_changed, index_model)
            for signal in (page_published, page_unpublished, post_page_move)
        ],
        (post_delete, index_changed, index_model),
        (post_save, site_changed, Site),
        (post_delete, site_changed, Site),
        (post_save, privacy_changed, PageViewRestriction),
        (post_delete, privacy_changed, PageViewRestriction),
        (post_save, tag_changed, Tag),
        (pre_delete, tag_changed, Tag),
        (discussion_changed, discussion, None),
        (comment_approved, approved, None),
        (comment_removed, removed, None),
    ]
    # Without wagtail.images the system checks report the missing app (cms_blog.E001).
    if apps.is_installed("wagtail.images"):
        image_model = get_image_model()
        receivers += [
            (post_save, image_changed, image_model),
            (pre_delete, before_image_delete, image_model),
            (post_delete, rendition_deleted, image_model.get_rendition_model()),
        ]
    for signal, receiver, sender in receivers:
        signal.connect(
            receiver, sender=sender, dispatch_uid=f"cms_blog.changes.{receiver.__name__}"
        )
