"""GraphQL types of posts and what hangs off them: tags, sources, images, pagination."""

import graphene
from django.db.models import Model
from graphene_django import DjangoObjectType
from graphql import GraphQLResolveInfo
from taggit.models import Tag
from wagtail.images import get_image_model

from ...base_url import absolute_url, page_path_and_url
from ...blocks import FigureValue
from ...comments.policy import comments_open
from ...models import Comment, get_post_model
from ..comments.loaders import CommentCountLoader
from ..comments.paging import load_threads, thread_arguments
from ..comments.types import CommentType
from ..images import filter_spec, renditions, src_set_specs
from .blocks import StreamFieldInterface, figure_image, servable
from .loaders import (
    BodiesLoader,
    NeighboursLoader,
    NumberedSource,
    SourcesLoader,
    StreamChild,
    TagCountsLoader,
    TagsLoader,
    image_children,
)

WORDS_PER_MINUTE = 200


class TagType(DjangoObjectType):
    name = graphene.String(required=True, description="The tag as editors wrote it.")
    slug = graphene.String(required=True, description="The tag in URLs: posts(tag: slug).")
    post_count = graphene.Int(
        required=True, description="How many live, public posts of the site carry the tag."
    )

    class Meta:
        model = Tag
        name = "Tag"
        description = "A tag of posts."
        fields = ["name", "slug"]
        # Tags and images are shared models: leave their default types to the host site.
        skip_registry = True

    @staticmethod
    def resolve_post_count(tag: Tag, info: GraphQLResolveInfo) -> int:
        # The tags query annotates its tags (BlogPostQuerySet.tags()); a post's tags count apart.
        if hasattr(tag, "post_count"):
            return tag.post_count
        return (TagCountsLoader(info.context).load(tag.pk) or 0) if tag.pk else 0


class SourceType(graphene.ObjectType):
    number = graphene.Int(required=True, description="1-based position in the post's sources.")
    citation = graphene.String(required=True, description="The reference, as editors wrote it.")
    url = graphene.String(description="A link to the source, when it has one.")

    class Meta:
        name = "Source"
        description = "A numbered reference of a post; blocks cite it by number."

    @staticmethod
    def resolve_url(source: NumberedSource, info: GraphQLResolveInfo) -> str | None:
        return source.url or None


class RenditionType(graphene.ObjectType):
    url = graphene.String(required=True, description="Absolute URL of the resized file.")
    width = graphene.Int(required=True, description="Width in pixels.")
    height = graphene.Int(required=True, description="Height in pixels.")
    filter_spec = graphene.String(
        required=True, description="The Wagtail filter spec, e.g. fill-800x600|format-webp."
    )

    class Meta:
        name = "Rendition"
        description = "A resized version of an image."

    @staticmethod
    def resolve_url(rendition, info: GraphQLResolveInfo) -> str:
        return absolute_url(rendition.url, info.context)


class ImageType(DjangoObjectType):
    id = graphene.ID(required=True, description="The image's id in the Wagtail library.")
    title = graphene.String(required=True, description="The image's title in the library.")
    width = graphene.Int(required=True, description="Width of the original, in pixels.")
    height = graphene.Int(required=True, description="Height of the original, in pixels.")
    url = graphene.String(required=True, description="Absolute URL of the original file.")
    alt_text = graphene.String(
        required=True,
        description="Alt text: in a figure (FigureBlock.image, Post.thumbnail) the figure's, as "
        "editors wrote it (empty when decorative); elsewhere the image's own description.",
    )
    rendition = graphene.Field(
        RenditionType,
        fill=graphene.String(description="e.g. 800x600: resize and crop to exactly this size."),
        width=graphene.Int(description="Resize to this width."),
        height=graphene.Int(description="Resize to this height."),
        max=graphene.String(description="e.g. 1200x1200: fit inside this box."),
        min=graphene.String(description="e.g. 400x400: cover this box."),
        format=graphene.String(description="jpeg, png, gif, webp or avif."),
        description="Null or an error when the resulting filter spec is not in "
        "CMS_BLOG['GRAPHQL_IMAGE_FILTERS'].",
    )
    src_set = graphene.String(
        required=True,
        sizes=graphene.List(
            graphene.NonNull(graphene.Int),
            required=True,
            description="Widths in pixels; each width-N must be an allowed filter.",
        ),
        format=graphene.String(description="jpeg, png, gif, webp or avif."),
        description="e.g. 'https://…/a.width-400.webp 400w, https://…/a.width-800.webp 800w'.",
    )

    class Meta:
        model = get_image_model()
        name = "Image"
        description = "An image of the Wagtail library."
        fields = ["id"]
        skip_registry = True

    @staticmethod
    def resolve_url(image, info: GraphQLResolveInfo) -> str:
        return absolute_url(image.file.url, info.context)

    @staticmethod
    def resolve_alt_text(image, info: GraphQLResolveInfo) -> str:
        return getattr(image, "figure_alt", image.default_alt_text)

    @staticmethod
    def resolve_rendition(image, info: GraphQLResolveInfo, **operations):
        # Renditions were prefetched with the image: an existing one costs no query.
        return renditions(image, [filter_spec(**operations)])[0]

    @staticmethod
    def resolve_src_set(image, info: GraphQLResolveInfo, sizes: list[int], format=None) -> str:
        return ", ".join(
            f"{absolute_url(rendition.url, info.context)} {rendition.width}w"
            for rendition in renditions(image, src_set_specs(sizes, format))
        )


class PostType(DjangoObjectType):
    id = graphene.ID(required=True, description="The Wagtail page id.")
    title = graphene.String(required=True, description="The post's title.")
    slug = graphene.String(required=True, description="The last part of the post's URL.")
    url = graphene.String(
        required=True,
        description="Absolute URL of the rendered page (on CMS_BLOG['FRONTEND_BASE_URL'] when "
        "set).",
    )
    url_path = graphene.String(
        required=True, description="Path relative to the site root, e.g. /blog/my-post/."
    )
    date = graphene.Date(required=True, description="The post's date, as shown to readers.")
    first_published_at = graphene.DateTime(description="When the post was first published.")
    last_published_at = graphene.DateTime(description="When the post was last published.")
    intro = graphene.String(required=True, description="Plain-text summary, possibly empty.")
    tags = graphene.List(
        graphene.NonNull(TagType), required=True, description="The post's tags, by name."
    )
    seo_title = graphene.String(
        required=True, description="Title for search engines; empty means use the title."
    )
    search_description = graphene.String(
        required=True, description="Meta description; empty means use the intro."
    )
    body = graphene.List(
        graphene.NonNull(StreamFieldInterface),
        required=True,
        description="The post's blocks, in order.",
    )
    sources = graphene.List(
        graphene.NonNull(SourceType),
        required=True,
        description="Numbered references of the post, in order; blocks cite them by number.",
    )
    comments_open = graphene.Boolean(
        required=True,
        description="False when the post disallows comments or its comment window has closed.",
    )
    comment_count = graphene.Int(
        required=True, description="Approved comments, replies included, on every page."
    )
    comments = graphene.List(
        graphene.NonNull(CommentType),
        required=True,
        description="Approved top-level comments, oldest first, each with its approved replies: "
        "the first `first` threads, after the thread of the cursor `after`.",
        **thread_arguments(),
    )
    previous_post = graphene.Field(
        lambda: PostType, description="The next older visible post of the same blog."
    )
    next_post = graphene.Field(
        lambda: PostType, description="The next newer visible post of the same blog."
    )
    reading_time = graphene.Int(
        required=True,
        description="Estimated minutes to read the intro and the body's text "
        f"({WORDS_PER_MINUTE} words a minute, at least 1).",
    )
    thumbnail = graphene.Field(
        ImageType, description="The image of the post's first figure, for lists and cards."
    )

    class Meta:
        model = get_post_model()
        name = "Post"
        description = "A live, public blog post (or, with a preview token, its latest draft)."
        # seo_title and search_description are fields of Wagtail's default base page only: a
        # site's own base page model may not have them (see their resolvers).
        fields = [
            "id",
            "title",
            "slug",
            "date",
            "first_published_at",
            "last_published_at",
            "intro",
        ]

    @staticmethod
    def resolve_url(post: Model, info: GraphQLResolveInfo) -> str:
        return page_path_and_url(post, info.context)[1]

    @staticmethod
    def resolve_url_path(post: Model, info: GraphQLResolveInfo) -> str:
        return page_path_and_url(post, info.context)[0]

    @staticmethod
    def resolve_seo_title(post: Model, info: GraphQLResolveInfo) -> str:
        return getattr(post, "seo_title", "")

    @staticmethod
    def resolve_search_description(post: Model, info: GraphQLResolveInfo) -> str:
        return getattr(post, "search_description", "")

    @staticmethod
    def resolve_tags(post: Model, info: GraphQLResolveInfo) -> list[Tag]:
        return TagsLoader(info.context).load(post.pk)

    @staticmethod
    def resolve_body(post: Model, info: GraphQLResolveInfo) -> list[StreamChild]:
        return [child for child in BodiesLoader(info.context).load(post.pk) if servable(child)]

    @staticmethod
    def resolve_sources(post: Model, info: GraphQLResolveInfo) -> list[NumberedSource]:
        return list(SourcesLoader(info.context).load(post.pk).values())

    @staticmethod
    def resolve_comments_open(post: Model, info: GraphQLResolveInfo) -> bool:
        return comments_open(post)

    @staticmethod
    def resolve_comment_count(post: Model, info: GraphQLResolveInfo) -> int:
        return CommentCountLoader(info.context).load(post.pk)

    @staticmethod
    def resolve_comments(
        post: Model, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None
    ) -> list[Comment]:
        return load_threads(info, post.pk, first, after)

    @staticmethod
    def resolve_previous_post(post: Model, info: GraphQLResolveInfo) -> Model | None:
        return (NeighboursLoader(info.context).load(post.pk) or (None, None))[0]

    @staticmethod
    def resolve_next_post(post: Model, info: GraphQLResolveInfo) -> Model | None:
        return (NeighboursLoader(info.context).load(post.pk) or (None, None))[1]

    @staticmethod
    def resolve_reading_time(post: Model, info: GraphQLResolveInfo) -> int:
        texts = [post.intro]
        texts += [
            child.block.plain_text(child.value)
            for child in BodiesLoader(info.context).load(post.pk)
        ]
        words = sum(len(text.split()) for text in texts)
        return max(1, round(words / WORDS_PER_MINUTE))

    @staticmethod
    def resolve_thumbnail(post: Model, info: GraphQLResolveInfo):
        # The body's first image; a figure's carries the figure's alt text, as og:image does.
        for child in BodiesLoader(info.context).load(post.pk):
            if isinstance(child.value, FigureValue):
                if child.value.get("image"):
                    return figure_image(child.value)
            elif images := [
                child.value[name] for name in image_children(child.block) if child.value.get(name)
            ]:
                return images[0]
        return None


class PostOrderEnum(graphene.Enum):
    NEWEST = "newest"
    OLDEST = "oldest"

    class Meta:
        name = "PostOrder"
        description = "The order of a list of posts: by date, then by id."


class PaginationType(graphene.ObjectType):
    total = graphene.Int(required=True, description="Posts matching, on all pages.")
    count = graphene.Int(required=True, description="Posts on this page.")
    per_page = graphene.Int(required=True, description="Page size actually used (capped).")
    current_page = graphene.Int(required=True, description="This page's number, from 1.")
    prev_page = graphene.Int(description="The previous page's number; null on the first page.")
    next_page = graphene.Int(description="The next page's number; null on the last page.")
    total_pages = graphene.Int(required=True, description="Number of pages (0 when empty).")

    class Meta:
        name = "Pagination"
        description = "Where a page of posts sits in the whole list."


class PostListType(graphene.ObjectType):
    items = graphene.List(
        graphene.NonNull(PostType), required=True, description="The posts of this page."
    )
    pagination = graphene.Field(
        PaginationType, required=True, description="Where this page sits in the whole list."
    )

    class Meta:
        name = "PostList"
        description = "One page of posts."
