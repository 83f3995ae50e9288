"""The posts domain's loaders, keyed by post id: tags, sources, images, bodies, rich text and
neighbours, each loaded for every post primed so far (``..loaders`` says how).

Resolvers returning posts pass them through ``prime_posts``. The objects primed are the ones
served: for a preview they are drafts built from a revision, whose tags and sources live in
memory, so what is read from a post object is read from the object primed, never reloaded."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, prefetch_related_objects
from django.http import HttpRequest
from taggit.models import Tag
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.rich_text import RichText, extract_references_from_rich_text

from ...blocks import BodyBlock
from ...cache.tags import TAGS, tags_for_posts
from ...citations import link_citations
from ...ids import parse_id
from ...richtext import render_rich_texts
from ..loaders import Loader, prime, record_tags
from ..site import site_posts

# The kind of every loader keyed by post id, in this domain and others (comments).
POST = "post"
# The kind of the loaders keyed by tag id.
TAG = "tag"


@dataclass(frozen=True)
class StreamChild:
    """One child of a post's body as the API serves it: its stored id and type, its block, and
    its value in the block's native type (a ``RichText``, a ``StructValue``…) with the images
    loaded for all the posts at once. The root value of every body block's GraphQL type."""

    id: str
    block_type: str
    block: BodyBlock
    value: Any
    post: Model


@dataclass(frozen=True)
class NumberedSource:
    """A source of a post with its number, the 1-based position blocks cite it by."""

    number: int
    citation: str
    url: str


def prime_posts(
    context: HttpRequest, posts: Iterable[Model], *, replace: bool = False
) -> list[Model]:
    """Make the posts a resolver returns known to the request's loaders, and return the objects
    to serve for them: a post primed before stays what is served for its id (a draft asked for
    by preview token, say, where the same post turns up again), unless ``replace``."""
    loader = PostLoader(context)
    return [loader.prime(post.pk, post, replace=replace) for post in posts]


class PostLoader(Loader[int, Model]):
    """The post objects resolvers returned, by id. An id never primed is looked up among the
    request's visible posts."""

    kind = POST

    def batch_load(self, keys: list[int]) -> dict[int, Model]:
        return site_posts(self.context).in_bulk(keys)


class PerPostLoader(Loader[int, Any]):
    """A loader of what hangs off post objects: ``load_for`` gets the primed objects."""

    kind = POST

    def batch_load(self, keys: list[int]) -> dict[int, Any]:
        return self.load_for([post for post in PostLoader(self.context).load_many(keys) if post])

    def load_for(self, posts: list[Model]) -> dict[int, Any]:
        raise NotImplementedError


class TagsLoader(PerPostLoader):
    """Each post's tags by name: one query. How many posts carry each is loaded apart, only when
    asked for (``TagCountsLoader``)."""

    def load_for(self, posts: list[Model]) -> dict[int, list[Tag]]:
        prefetch_related_objects(posts, "tags")
        tags = {
            post.pk: sorted(post.tags.all(), key=lambda tag: tag.name.lower()) for post in posts
        }
        # A draft's new tag is not stored yet: it has no pk and counts no post.
        prime(self.context, TAG, [tag.pk for found in tags.values() for tag in found if tag.pk])
        return tags


class TagCountsLoader(Loader[int, int]):
    """How many visible posts carry each tag of the posts' tags: one query
    (``BlogPostQuerySet.tags()``); a tag no visible post carries is not counted."""

    kind = TAG

    def cache_tags(self, keys: list[int]) -> list[str]:
        return [TAGS]  # tags are not tags of their own: every count changes with ``tags``

    def batch_load(self, keys: list[int]) -> dict[int, int]:
        counted = site_posts(self.context).tags().in_bulk(keys)
        return {pk: tag.post_count for pk, tag in counted.items()}


class SourcesLoader(PerPostLoader):
    """Each post's sources by number: one query."""

    def load_for(self, posts: list[Model]) -> dict[int, dict[int, NumberedSource]]:
        prefetch_related_objects(posts, "sources")
        return {
            post.pk: {
                number: NumberedSource(number, source.citation, source.url)
                for number, source in post.numbered_sources.items()
            }
            for post in posts
        }


def image_ids(post: Model) -> set[int]:
    """The ids of the images a post's body shows, read from its stored JSON."""
    child_blocks = post.body.stream_block.child_blocks
    return {
        pk
        for child in post.body.raw_data
        if child["type"] in child_blocks
        for pk in child_blocks[child["type"]].image_ids(child["value"])
    }


def images_with_renditions(ids: set[int]) -> dict[int, Any]:
    """The images of these ids, each with all its renditions, as ``prefetch_renditions()`` gives
    them but in one query instead of two: the renditions with their images joined. Images with
    no rendition yet (never shown before) cost a second query, only while there are some."""
    images: dict[int, Any] = {}
    renditions: dict[int, list] = {}
    Rendition = get_image_model().get_rendition_model()  # noqa: N806 - a model class
    for rendition in Rendition.objects.filter(image_id__in=ids).select_related("image"):
        # One image object for all its renditions, so that a rendition made later joins them.
        rendition.image = images.setdefault(rendition.image_id, rendition.image)
        renditions.setdefault(rendition.image_id, []).append(rendition)
    if missing := ids - images.keys():
        images.update(get_image_model().objects.in_bulk(missing))
    for pk, image in images.items():
        image.prefetched_renditions = renditions.get(pk, [])  # where Wagtail looks first
    return images


class ImagesLoader(PerPostLoader):
    """The images each post's body shows, by id, with their renditions: one query
    (``images_with_renditions``)."""

    def load_for(self, posts: list[Model]) -> dict[int, dict[int, Any]]:
        wanted = {post.pk: image_ids(post) for post in posts}
        images = images_with_renditions(set().union(*wanted.values()))
        return {
            pk: {image_id: images[image_id] for image_id in ids if image_id in images}
            for pk, ids in wanted.items()
        }


def image_children(block: blocks.Block) -> list[str]:
    """The names of a struct block's image choosers: their stored values are image ids."""
    if not isinstance(block, blocks.StructBlock):
        return []
    return [
        name for name, child in block.child_blocks.items() if isinstance(child, ImageChooserBlock)
    ]


def native_value(block: blocks.Block, raw: Any, images: dict[int, Any]) -> Any:
    """A stored block value in the block's native type, its image ids replaced by the images
    loaded (``normalize`` is Wagtail's own conversion of such values; given ids, it would load
    the images one by one)."""
    if isinstance(block, blocks.StructBlock):
        choosers = image_children(block)
        return block.normalize(
            {
                name: images.get(raw[name]) if name in choosers else raw[name]
                for name in block.child_blocks
                # Keys of sub-blocks removed from the code may linger in old JSON.
                if name in raw
            }
        )
    return block.normalize(raw)


class BodiesLoader(PerPostLoader):
    """Each post's body children, converted from the stored JSON with the images of
    ``ImagesLoader`` (the body's own conversion would load images post by post). A child whose
    type was removed from the code but lingers in old JSON is left out."""

    def load_for(self, posts: list[Model]) -> dict[int, list[StreamChild]]:
        images = ImagesLoader(self.context).load_many([post.pk for post in posts])
        bodies = {}
        for post, post_images in zip(posts, images, strict=True):
            child_blocks = post.body.stream_block.child_blocks
            bodies[post.pk] = [
                StreamChild(
                    id=child.get("id") or "",
                    block_type=child["type"],
                    block=child_blocks[child["type"]],
                    value=native_value(child_blocks[child["type"]], child["value"], post_images),
                    post=post,
                )
                for child in post.body.raw_data
                if child["type"] in child_blocks
            ]
        return bodies


class RichTextLoader(PerPostLoader):
    """The final HTML of each post's rich text values, keyed by their source: the links and
    embeds of all the posts are resolved together, and "(N)" is linked to the post's source N
    as on the page (``link_citations``)."""

    def load_for(self, posts: list[Model]) -> dict[int, dict[str, str]]:
        bodies = BodiesLoader(self.context).load_many([post.pk for post in posts])
        texts = {
            post.pk: [child.value.source for child in body if isinstance(child.value, RichText)]
            for post, body in zip(posts, bodies, strict=True)
        }
        sources = list(
            dict.fromkeys(source for post_texts in texts.values() for source in post_texts)
        )
        html = dict(zip(sources, render_rich_texts(sources, self.context), strict=True))
        # The text shows the URLs of the posts it links to (or drops a link to a hidden one).
        record_tags(self.context, tags_for_posts(linked_page_ids(sources)))
        numbers = SourcesLoader(self.context).load_many(list(texts))
        return {
            pk: {source: link_citations(html[source], set(cited)) for source in post_texts}
            for (pk, post_texts), cited in zip(texts.items(), numbers, strict=True)
        }


def linked_page_ids(sources: list[str]) -> set[int]:
    """The ids of the pages rich text sources link to (an id that is not ASCII digits links to
    nothing: the text shows such a link as plain text)."""
    references = extract_references_from_rich_text("".join(sources))
    return {
        linked_id
        for model, pk, *_ in references
        if issubclass(model, Page) and (linked_id := parse_id(pk))
    }


class NeighboursLoader(Loader[int, tuple]):
    """The previous (older) and next (newer) visible post of each post's blog, by
    ``BlogPostQuerySet.neighbours()``: two queries. The neighbours are primed in turn."""

    kind = POST

    def batch_load(self, keys: list[int]) -> dict[int, tuple]:
        pairs = site_posts(self.context).neighbours(keys)
        found = {post.pk: post for pair in pairs.values() for post in pair if post}
        served = dict(zip(found, prime_posts(self.context, found.values()), strict=True))
        return {
            pk: tuple(served[post.pk] if post else None for post in pair)
            for pk, pair in pairs.items()
        }
