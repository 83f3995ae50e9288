"""Body blocks own their GraphQL face: the schema's block types come from the post body's child
blocks, so a block a site adds (docs/content.md, "Adding a block of your own") is served the
same way as the four built-in ones, and a block without a type is an error, never a gap."""

import graphene
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from graphql import GraphQLResolveInfo
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from cms_blog.blocks import BlogBodyBlock, BodyBlock
from cms_blog.checks import check_body_blocks
from cms_blog.graphql.posts.blocks import StreamFieldInterface, body_block_types
from cms_blog.graphql.posts.loaders import StreamChild
from cms_blog.graphql.schema import BLOG_TYPES, Query
from cms_blog.models import get_post_model
from tests.graphql_support import data_of


class MapBlockType(graphene.ObjectType):
    """A site's GraphQL type for its block: an object type implementing the interface."""

    place = graphene.String(required=True, description="What the map shows.")
    image = graphene.Field("cms_blog.graphql.posts.types.ImageType", description="The map.")

    class Meta:
        name = "MapBlock"
        interfaces = (StreamFieldInterface,)
        description = "A map of a place."

    @staticmethod
    def resolve_place(child: StreamChild, info: GraphQLResolveInfo) -> str:
        return child.value["place"]

    @staticmethod
    def resolve_image(child: StreamChild, info: GraphQLResolveInfo):
        return child.value["image"]


class MapBlock(BodyBlock, blocks.StructBlock):
    """A site's block: a BodyBlock naming its GraphQL type."""

    graphql_type = f"{__name__}.MapBlockType"

    place = blocks.CharBlock()
    image = ImageChooserBlock()

    def plain_text(self, value: blocks.StructValue) -> str:
        return value["place"]


class SiteBodyBlock(BlogBodyBlock):
    """The body of a site's own post model: the blog's four blocks and the site's map."""

    map = MapBlock()


class UntypedBodyBlock(BlogBodyBlock):
    """A body with a child that is no BodyBlock, so names no GraphQL type."""

    note = blocks.CharBlock()


def use_body(monkeypatch, stream_block: blocks.StreamBlock) -> None:
    """Give the post model this body, as a site's post model overriding ``body`` would."""
    monkeypatch.setattr(get_post_model()._meta.get_field("body"), "stream_block", stream_block)


QUERY = """
{
  posts {
    items {
      readingTime
      thumbnail { title }
      body {
        blockType
        ... on TextBlock { html }
        ... on MapBlock { place image { title } }
      }
    }
  }
}
"""


def test_the_schema_serves_the_blocks_of_the_post_body():
    child_blocks = get_post_model().body.field.stream_block.child_blocks
    assert [graphql_type._meta.name for graphql_type in BLOG_TYPES] == [
        "TextBlock", "FigureBlock", "VideoBlock", "QuoteBlock",
    ]  # fmt: skip
    assert len(BLOG_TYPES) == len(child_blocks)


def test_a_block_a_site_adds_is_served_like_the_built_in_ones(monkeypatch, make_post, make_image):
    use_body(monkeypatch, SiteBodyBlock())
    assert check_body_blocks() == []
    schema = graphene.Schema(query=Query, types=body_block_types())
    assert "type MapBlock implements StreamFieldInterface" in str(schema)

    def add_posts_and_query(numbers: range) -> tuple[list[dict], int]:
        for number in numbers:
            image = make_image(f"Map {number}")
            body = [("text", "<p>Text</p>"), ("map", {"place": "Vienna", "image": image})]
            make_post(f"Post {number}", body=body)
        with CaptureQueriesContext(connection) as queries:
            result = schema.execute(QUERY, context_value=RequestFactory().get("/"))
        assert result.errors is None
        return result.data["posts"]["items"], len(queries)

    add_posts_and_query(range(0))  # the Site comes from Django's cache after the first answer
    items, two_posts = add_posts_and_query(range(2))
    assert items == [
        {
            "readingTime": 1,
            "thumbnail": {"title": f"Map {number}"},
            "body": [
                {"blockType": "text", "html": "<p>Text</p>"},
                {"blockType": "map", "place": "Vienna", "image": {"title": f"Map {number}"}},
            ],
        }
        for number in (1, 0)
    ]
    # The map's images are loaded for all the posts at once, like the figures'.
    assert add_posts_and_query(range(2, 6))[1] == two_posts


def test_a_block_removed_from_the_code_is_left_out(client, monkeypatch, make_post, make_image):
    use_body(monkeypatch, SiteBodyBlock())
    make_post("Mapped", body=[("map", {"place": "Vienna", "image": make_image()}), ("text", "T")])
    monkeypatch.undo()  # the site drops its map block; the post's JSON still holds one

    body = data_of(client, '{ post(slug: "mapped") { body { blockType } } }')["post"]["body"]
    assert body == [{"blockType": "text"}]


def test_a_video_whose_stored_url_does_not_parse_is_left_out(client, make_post):
    # The admin refuses such a URL; JSON imported or written by a script may hold one.
    make_post(
        "Videos",
        body=[
            ("video", {"url": "https://example.com/not-a-video"}),
            ("video", {"url": "https://youtu.be/dQw4w9WgXcQ"}),
        ],
    )
    query = '{ post(slug: "videos") { body { ... on VideoBlock { videoId } } } }'
    assert data_of(client, query)["post"]["body"] == [{"videoId": "dQw4w9WgXcQ"}]


def test_a_body_block_without_graphql_type_stops_the_schema(monkeypatch):
    use_body(monkeypatch, UntypedBodyBlock())
    with pytest.raises(ImproperlyConfigured, match="CharBlock names no GraphQL type"):
        body_block_types()
    assert [error.id for error in check_body_blocks()] == ["cms_blog.E006"]
