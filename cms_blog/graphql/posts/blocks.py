"""GraphQL types of a post's body blocks: one per stream child, behind ``StreamFieldInterface``."""

import graphene
from graphql import GraphQLResolveInfo

from ...video import VideoURLError, parse_video_url
from ..loaders import BodyBlock, batch_of


class StreamFieldInterface(graphene.Interface):
    id = graphene.String(required=True, description="The StreamField block id.")
    block_type = graphene.String(
        required=True, description="The stream child name: text, figure, video or quote."
    )

    class Meta:
        description = "A block of a post's body."

    @classmethod
    def resolve_type(cls, instance: BodyBlock, info: GraphQLResolveInfo) -> type:
        return BLOCK_TYPES[instance.block_type]


class BlockMeta:
    interfaces = (StreamFieldInterface,)


def cited_source(block: BodyBlock, info: GraphQLResolveInfo):
    return batch_of(block.post, info.context).sources(block.post).get(block.value.get("source"))


class TextBlockType(graphene.ObjectType):
    html = graphene.String(
        required=True,
        description="Rendered HTML, internal links and embeds resolved; links to pages the "
        "public cannot see are left as plain text.",
    )

    class Meta(BlockMeta):
        name = "TextBlock"
        description = "Rich text: paragraphs, headings, lists and links."

    @staticmethod
    def resolve_html(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return batch_of(block.post, info.context).html[id(block)]


class FigureBlockType(graphene.ObjectType):
    image = graphene.Field("cms_blog.graphql.posts.types.ImageType", description="The image.")
    caption = graphene.String(required=True, description="The caption, possibly empty.")
    alt_text = graphene.String(
        required=True,
        description="The figure's alt text, falling back to the image's own description.",
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
    def resolve_image(block: BodyBlock, info: GraphQLResolveInfo):
        return block.value.get("image")

    @staticmethod
    def resolve_caption(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return block.value.get("caption") or ""

    @staticmethod
    def resolve_alt_text(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return block.value.alt

    @staticmethod
    def resolve_decorative(block: BodyBlock, info: GraphQLResolveInfo) -> bool:
        return bool(block.value.get("decorative"))

    @staticmethod
    def resolve_credit(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return block.value.get("credit") or ""

    resolve_source = staticmethod(cited_source)


class VideoProviderEnum(graphene.Enum):
    YOUTUBE = "youtube"
    VIMEO = "vimeo"

    class Meta:
        name = "VideoProvider"
        description = "The video hosts a video block can embed."


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
    def resolve_url(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return block.value["url"]

    @staticmethod
    def resolve_provider(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return parse_video_url(block.value["url"]).provider.value

    @staticmethod
    def resolve_video_id(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return parse_video_url(block.value["url"]).video_id

    @staticmethod
    def resolve_start(block: BodyBlock, info: GraphQLResolveInfo) -> int:
        return parse_video_url(block.value["url"]).start

    @staticmethod
    def resolve_embed_url(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return parse_video_url(block.value["url"]).embed_url

    @staticmethod
    def resolve_thumbnail_url(block: BodyBlock, info: GraphQLResolveInfo) -> str | None:
        return parse_video_url(block.value["url"]).thumbnail_url

    @staticmethod
    def resolve_caption(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return block.value.get("caption") or ""


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
    def resolve_text(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return block.value.get("text") or ""

    @staticmethod
    def resolve_attribution(block: BodyBlock, info: GraphQLResolveInfo) -> str:
        return block.value.get("attribution") or ""

    resolve_source = staticmethod(cited_source)


BLOCK_TYPES: dict[str, type[graphene.ObjectType]] = {
    "text": TextBlockType,
    "figure": FigureBlockType,
    "video": VideoBlockType,
    "quote": QuoteBlockType,
}


def servable(block: BodyBlock) -> bool:
    """False for a video whose stored URL no longer parses (the admin refuses such URLs, but
    old JSON may hold one): dropping the block beats failing the whole body."""
    if block.block_type != "video":
        return block.block_type in BLOCK_TYPES
    try:
        parse_video_url(block.value.get("url") or "")
    except VideoURLError:
        return False
    return True
