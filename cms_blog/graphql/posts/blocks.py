"""GraphQL types of a post's body blocks, behind ``StreamFieldInterface``.

Each body block names its own GraphQL type (``BodyBlock.graphql_type``, a dotted path), so the
types come from the post model's body itself, the four below and any a site adds
(docs/content.md): ``body_block_types()`` gives them to the schema, and ``resolve_type`` reads
them from the block of each child. The root value of every block type is a ``StreamChild``."""

import copy
from functools import cache

import graphene
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.utils.module_loading import import_string
from graphql import GraphQLResolveInfo
from wagtail.blocks import StructValue

from ...blocks import BodyBlock, VideoBlock
from ...models import get_post_model
from ...video import Video
from .loaders import NumberedSource, RichTextLoader, SourcesLoader, StreamChild


def graphql_type(block: BodyBlock) -> type[graphene.ObjectType]:
    """The GraphQL object type a body block names; a block naming none is a configuration
    error (``manage.py check`` reports it as cms_blog.E006), never a block left out."""
    try:
        return imported(getattr(block, "graphql_type", ""))
    except (ImportError, ValueError) as error:
        raise ImproperlyConfigured(
            f"The body block {type(block).__name__} names no GraphQL type that imports: {error}"
        ) from error


@cache
def imported(dotted_path: str) -> type:
    # resolve_type asks for the type of every block of every answer: imported once.
    return import_string(dotted_path)


def body_block_types() -> list[type[graphene.ObjectType]]:
    """The GraphQL types of the post body's child blocks, for a schema's ``types``: they are
    reached only through ``StreamFieldInterface``, so the schema must be told of them."""
    child_blocks = get_post_model().body.field.stream_block.child_blocks
    return list(dict.fromkeys(graphql_type(block) for block in child_blocks.values()))


class StreamFieldInterface(graphene.Interface):
    id = graphene.String(required=True, description="The StreamField block id.")
    block_type = graphene.String(
        required=True,
        description="The stream child name, e.g. text, figure, video or quote.",
    )

    class Meta:
        description = "A block of a post's body."

    @classmethod
    def resolve_type(cls, child: StreamChild, info: GraphQLResolveInfo) -> type:
        return graphql_type(child.block)


class BlockMeta:
    interfaces = (StreamFieldInterface,)


def cited_source(child: StreamChild, info: GraphQLResolveInfo) -> NumberedSource | None:
    """The source of the post a block cites by number (``BodyBlock.cited_source``)."""
    number = child.block.cited_source(child.value)
    return SourcesLoader(info.context).load(child.post.pk).get(number)


class TextBlockType(graphene.ObjectType):
    html = graphene.String(
        required=True,
        description="Rendered HTML, internal links and embeds resolved; links to pages the "
        'public cannot see are left as plain text. Each "(N)" citing one of the post\'s '
        'sources is a link <a class="cms-blog-cite" href="#source-N">, as on the page.',
    )

    class Meta(BlockMeta):
        name = "TextBlock"
        description = "Rich text: paragraphs, headings, lists and links."

    @staticmethod
    def resolve_html(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return RichTextLoader(info.context).load(child.post.pk)[child.value.source]


def figure_image(figure: StructValue) -> Model | None:
    """The figure's library image as ``Image`` serves it in this figure: a copy carrying the
    figure's alt text (``FigureValue.alt``), so that ``Image.altText`` is what the editor wrote
    here, as on the page. A copy, because one image object serves every figure showing it."""
    image = figure.get("image")
    if image is None:
        return None
    image = copy.copy(image)
    image.figure_alt = figure.alt
    return image


class FigureBlockType(graphene.ObjectType):
    image = graphene.Field(
        "cms_blog.graphql.posts.types.ImageType",
        description="The image; its altText is the figure's (see FigureBlock.altText).",
    )
    caption = graphene.String(required=True, description="The caption, possibly empty.")
    alt_text = graphene.String(
        required=True,
        description="The figure's alt text, falling back to the image's own description; "
        "empty when decorative.",
    )
    decorative = graphene.Boolean(
        required=True, description="True when screen readers should skip the image."
    )
    credit = graphene.String(required=True, description="e.g. Photo: Jane Doe / CC BY 4.0.")
    source = graphene.Field(
        "cms_blog.graphql.posts.types.SourceType", description="The source the figure cites."
    )

    class Meta(BlockMeta):
        name = "FigureBlock"
        description = "An image with caption, alt text, credit and a cited source."

    @staticmethod
    def resolve_image(child: StreamChild, info: GraphQLResolveInfo):
        return figure_image(child.value)

    @staticmethod
    def resolve_caption(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return child.value.get("caption") or ""

    @staticmethod
    def resolve_alt_text(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return child.value.alt

    @staticmethod
    def resolve_decorative(child: StreamChild, info: GraphQLResolveInfo) -> bool:
        return bool(child.value.get("decorative"))

    @staticmethod
    def resolve_credit(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return child.value.get("credit") or ""

    resolve_source = staticmethod(cited_source)


class VideoProviderEnum(graphene.Enum):
    YOUTUBE = "youtube"
    VIMEO = "vimeo"

    class Meta:
        name = "VideoProvider"
        description = "The video hosts a video block can embed."


def video_of(child: StreamChild) -> Video:
    """The video of a child ``servable`` let through, parsed from its URL (no network)."""
    return child.block.video(child.value)


class VideoBlockType(graphene.ObjectType):
    url = graphene.String(required=True, description="The URL the editor entered.")
    provider = graphene.Field(VideoProviderEnum, required=True, description="The video host.")
    video_id = graphene.String(required=True, description="The video's id at its host.")
    start = graphene.Int(
        required=True, description="Where playback starts, in seconds (0: the beginning)."
    )
    embed_url = graphene.String(
        required=True,
        description="Privacy-enhanced player URL (youtube-nocookie.com for YouTube, dnt=1 for "
        "Vimeo).",
    )
    thumbnail_url = graphene.String(
        description="The host's still image; null for Vimeo, whose thumbnails need an API call."
    )
    caption = graphene.String(required=True, description="The caption, possibly empty.")

    class Meta(BlockMeta):
        name = "VideoBlock"
        description = "A YouTube or Vimeo video, parsed from its URL without any network call."

    @staticmethod
    def resolve_url(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return child.value["url"]

    @staticmethod
    def resolve_provider(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return video_of(child).provider.value

    @staticmethod
    def resolve_video_id(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return video_of(child).video_id

    @staticmethod
    def resolve_start(child: StreamChild, info: GraphQLResolveInfo) -> int:
        return video_of(child).start

    @staticmethod
    def resolve_embed_url(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return video_of(child).embed_url

    @staticmethod
    def resolve_thumbnail_url(child: StreamChild, info: GraphQLResolveInfo) -> str | None:
        return video_of(child).thumbnail_url

    @staticmethod
    def resolve_caption(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return child.value.get("caption") or ""


class QuoteBlockType(graphene.ObjectType):
    text = graphene.String(required=True, description="The quotation, as plain text.")
    attribution = graphene.String(required=True, description="Who said it, possibly empty.")
    source = graphene.Field(
        "cms_blog.graphql.posts.types.SourceType", description="The source the quote cites."
    )

    class Meta(BlockMeta):
        name = "QuoteBlock"
        description = "A quotation with attribution and a cited source."

    @staticmethod
    def resolve_text(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return child.value.get("text") or ""

    @staticmethod
    def resolve_attribution(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return child.value.get("attribution") or ""

    resolve_source = staticmethod(cited_source)


def servable(child: StreamChild) -> bool:
    """False for a video whose stored URL no longer parses (the admin refuses such URLs, but
    old JSON may hold one): dropping the block beats failing the whole body."""
    return not isinstance(child.block, VideoBlock) or child.block.video(child.value) is not None
