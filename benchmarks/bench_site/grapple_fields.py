"""wagtail-grapple's view of the blog, for the benchmark only: grapple builds its types from
``graphql_fields`` declared on models and blocks, so this app declares them on the blog's classes
at start-up, before grapple's own ``ready()`` reads them (it comes first in INSTALLED_APPS). The
fields give the benchmark's list query its shape: title, url, date, tags, body blocks with rich
text HTML and figures with a rendition and a srcset, and the approved threads."""

from django.apps import AppConfig


class GrappleFieldsConfig(AppConfig):
    name = "benchmarks.bench_site"
    label = "bench_grapple_fields"

    def ready(self) -> None:
        from grapple.helpers import register_streamfield_block
        from grapple.models import (
            GraphQLCollection,
            GraphQLForeignKey,
            GraphQLImage,
            GraphQLInt,
            GraphQLStreamfield,
            GraphQLString,
            GraphQLTag,
        )
        from grapple.registry import registry
        from grapple.types.streamfield import RichTextBlock

        from cms_blog.blocks import BodyTextBlock, FigureBlock, QuoteBlock, VideoBlock
        from cms_blog.models import BlogPostPage, Comment

        # Grapple serves querysets a model exposes: the approved threads, as the blog's API does.
        BlogPostPage.approved_threads = property(
            lambda post: post.comments.public().filter(parent=None).order_by("created_at", "pk")
        )
        Comment.approved_replies = property(
            lambda comment: comment.replies.public().order_by("created_at", "pk")
        )
        thread = [
            GraphQLString("author_name"),
            GraphQLString("body_html"),
            GraphQLCollection(GraphQLForeignKey, "approved_replies", Comment),
        ]
        Comment.graphql_fields = thread
        BlogPostPage.graphql_fields = [
            GraphQLString("date"),
            GraphQLTag("tags"),
            GraphQLStreamfield("body"),
            GraphQLCollection(GraphQLForeignKey, "approved_threads", Comment),
        ]
        FigureBlock.graphql_fields = [
            GraphQLImage("image"),
            GraphQLString("caption"),
            GraphQLString("alt_text"),
            GraphQLInt("source"),
        ]
        VideoBlock.graphql_fields = [GraphQLString("url"), GraphQLString("caption")]
        QuoteBlock.graphql_fields = [GraphQLString("text"), GraphQLString("attribution")]
        for block in (FigureBlock, VideoBlock, QuoteBlock):
            register_streamfield_block(block)
        # Grapple finds a block's type by its exact class: the blog's rich text is Wagtail's.
        registry.streamfield_blocks[BodyTextBlock] = RichTextBlock
