"""Batch loading: whatever a list of posts needs is loaded once for all of them.

Posts resolved together (a page of ``posts``, the previous posts of that page, …) share one
``PostBatch``. Each of its loaders runs on first use, for every post of the batch at once, so a
query costs the same number of SQL queries for 5 posts as for 50, and nothing is loaded that the
query did not ask for."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Left, Length
from django.http import HttpRequest
from taggit.models import Tag
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import PageQuerySet
from wagtail.rich_text import RichText

from ..comments.threads import comment_threads, thread_size
from ..models import BlogPostPage, BlogPostSource, Comment, get_post_model
from ..richtext import render_rich_texts
from .site import site_posts

BATCH_ATTR = "_cms_blog_batch"


@dataclass(frozen=True)
class BodyBlock:
    """One child of a post's body as the API serves it: its stored id and type, and its value
    in the block's native type (a ``RichText``, a ``StructValue``…)."""

    id: str
    block_type: str
    value: Any
    post: BlogPostPage


def batch_of(post: BlogPostPage, request: HttpRequest) -> "PostBatch":
    """The batch a post was resolved in; a post resolved alone is a batch of one."""
    return getattr(post, BATCH_ATTR, None) or PostBatch([post], request)


def image_children(block: blocks.Block) -> list[str]:
    """The names of a struct block's image choosers: their stored values are image ids."""
    if not isinstance(block, blocks.StructBlock):
        return []
    return [
        name for name, child in block.child_blocks.items() if isinstance(child, ImageChooserBlock)
    ]


def native_value(block: blocks.Block, raw: Any, images: dict[int, Any]) -> Any:
    """A stored block value in the block's native type, its image ids replaced by the images
    loaded for the batch (``normalize`` is Wagtail's own conversion of such values)."""
    if isinstance(block, blocks.StructBlock):
        return block.normalize(
            {
                name: images.get(raw[name]) if name in image_children(block) else raw[name]
                for name in block.child_blocks
                # Keys of sub-blocks removed from the code may linger in old JSON.
                if name in raw
            }
        )
    return block.normalize(raw)


def tags_with_post_counts(posts: PageQuerySet) -> QuerySet[Tag]:
    """Tags carried by these posts, each annotated with ``post_count``: how many of them."""
    # Filtering before annotating makes the count use the same join: these posts only.
    return Tag.objects.filter(cms_blog_blogposttag_items__content_object__in=posts).annotate(
        post_count=Count("cms_blog_blogposttag_items", distinct=True)
    )


class PostBatch:
    """Posts resolved together, with loaders that each run once for all of them.

    A preview batch holds draft objects built from a revision: their tags and sources live in
    memory, not in the database, so nothing about them is prefetched."""

    def __init__(
        self, posts: list[BlogPostPage], request: HttpRequest, *, preview: bool = False
    ) -> None:
        self.posts = list(posts)
        self.request = request
        self.preview = preview
        for post in self.posts:
            setattr(post, BATCH_ATTR, self)

    @cached_property
    def related(self) -> None:
        """Sources and tags of every post, two queries (their managers then read the cache)."""
        if not self.preview:
            prefetch_related_objects(self.posts, "sources", "tags")

    @cached_property
    def tag_counts(self) -> dict[int, int]:
        self.related  # noqa: B018 - loads the tags whose counts are wanted
        tag_ids = {tag.pk for post in self.posts for tag in post.tags.all() if tag.pk}
        return dict(
            tags_with_post_counts(site_posts(self.request))
            .filter(pk__in=tag_ids)
            .values_list("pk", "post_count")
        )

    def tags(self, post: BlogPostPage) -> list[Tag]:
        """The post's tags, each with ``post_count``: how many visible posts carry it."""
        counts = self.tag_counts
        tags = sorted(post.tags.all(), key=lambda tag: tag.name.lower())
        for tag in tags:
            tag.post_count = counts.get(tag.pk, 0)
        return tags

    def sources(self, post: BlogPostPage) -> dict[int, BlogPostSource]:
        """The post's sources by number, each also carrying its ``number``."""
        self.related  # noqa: B018 - fills the sources cache numbered_sources reads
        for number, source in post.numbered_sources.items():
            source.number = number
        return post.numbered_sources

    @cached_property
    def images(self) -> dict[int, Any]:
        """Every image the bodies of the batch show, with its renditions: two queries."""
        stream_block = get_post_model().body.field.stream_block
        image_ids = {
            child["value"].get(name)
            for post in self.posts
            for child in post.body.raw_data
            if child["type"] in stream_block.child_blocks
            for name in image_children(stream_block.child_blocks[child["type"]])
        }
        image_ids.discard(None)
        return get_image_model().objects.prefetch_renditions().in_bulk(image_ids)

    @cached_property
    def bodies(self) -> dict[int, list[BodyBlock]]:
        """Each post's body blocks, converted from the stored JSON with the batch's images (the
        body's own conversion would load images post by post)."""
        stream_block = get_post_model().body.field.stream_block
        images = self.images
        bodies = {}
        for post in self.posts:
            bodies[id(post)] = [
                BodyBlock(
                    id=child.get("id") or "",
                    block_type=child["type"],
                    value=native_value(
                        stream_block.child_blocks[child["type"]], child["value"], images
                    ),
                    post=post,
                )
                # A block type removed from the code but still in old JSON is skipped.
                for child in post.body.raw_data
                if child["type"] in stream_block.child_blocks
            ]
        return bodies

    @cached_property
    def html(self) -> dict[int, str]:
        """The final HTML of every rich text block of the batch, keyed by ``id(block)``: all
        their links and embeds are resolved together."""
        text_blocks = [
            block
            for body in self.bodies.values()
            for block in body
            if isinstance(block.value, RichText)
        ]
        rendered = render_rich_texts([block.value.source for block in text_blocks], self.request)
        return {id(block): html for block, html in zip(text_blocks, rendered, strict=True)}

    def body(self, post: BlogPostPage) -> list[BodyBlock]:
        return self.bodies[id(post)]

    @cached_property
    def threads(self) -> dict[int, list[Comment]]:
        return comment_threads(post.pk for post in self.posts)

    @cached_property
    def comment_counts(self) -> dict[int, int]:
        # Counted from the threads (loaded once for both), so a count always matches its thread.
        return {pk: thread_size(threads) for pk, threads in self.threads.items()}

    def neighbours(self, post: BlogPostPage) -> tuple[BlogPostPage | None, BlogPostPage | None]:
        """The previous (older) and next (newer) visible post of the same blog."""
        return self.all_neighbours.get(post.pk, (None, None))

    @cached_property
    def all_neighbours(self) -> dict[int, tuple[BlogPostPage | None, BlogPostPage | None]]:
        """The previous (older) and next (newer) visible sibling of each post, by date then id
        like ``BlogPostPage.previous_post``/``next_post``, but for the whole batch and scoped to
        the request's site: one query for the ids, one for the posts."""
        visible = site_posts(self.request)
        steplen = BlogPostPage.steplen
        siblings = visible.filter(
            depth=OuterRef("depth"),
            path__startswith=Left(OuterRef("path"), Length(OuterRef("path")) - steplen),
        )
        older = Q(date__lt=OuterRef("date")) | Q(date=OuterRef("date"), pk__lt=OuterRef("pk"))
        newer = Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk"))
        rows = (
            BlogPostPage.objects.filter(pk__in=[post.pk for post in self.posts])
            .annotate(
                previous_id=Subquery(
                    siblings.filter(older).order_by("-date", "-pk").values("pk")[:1]
                ),
                next_id=Subquery(siblings.filter(newer).order_by("date", "pk").values("pk")[:1]),
            )
            .values_list("pk", "previous_id", "next_id")
        )
        ids = {pk: (previous_id, next_id) for pk, previous_id, next_id in rows}
        found = visible.in_bulk({pk for pair in ids.values() for pk in pair if pk})
        PostBatch(list(found.values()), self.request)
        return {
            pk: (found.get(previous_id), found.get(next_id))
            for pk, (previous_id, next_id) in ids.items()
        }
