"""A page of posts costs a fixed number of SQL queries, whatever the number of posts, blocks,
images and comments; and no resolver loads row by row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    visit,
)

from cms_blog.graphql.schema import schema
from cms_blog.models import BlogPostPage, Comment
from tests.graphql_support import data_of

# Every field of a post and of what hangs off it.
FRAGMENTS = """
fragment image on Image {
  id title width height url altText
  rendition(fill: "400x300", format: "webp") { url width height filterSpec }
  srcSet(sizes: [400, 800], format: "webp")
}
fragment source on Source { number citation url }
fragment comment on Comment {
  id parentId authorName authorUrl body bodyHtml createdAt depth
}
fragment post on Post {
  id title slug url urlPath date firstPublishedAt lastPublishedAt intro seoTitle
  searchDescription commentsOpen commentCount readingTime
  thumbnail { ...image }
  tags { name slug postCount }
  sources { ...source }
  body {
    id blockType
    ... on TextBlock { html }
    ... on FigureBlock { image { ...image } caption altText decorative credit source { ...source } }
    ... on VideoBlock { url provider videoId start embedUrl thumbnailUrl caption }
    ... on QuoteBlock { text attribution source { ...source } }
  }
  comments { ...comment replies { ...comment replies { ...comment } } }
}
"""

EVERYTHING = (
    FRAGMENTS
    + """
{
  posts(perPage: 20) {
    items { ...post previousPost { title url } nextPost { title url } }
    pagination { total count perPage currentPage prevPage nextPage totalPages }
  }
}
"""
)

# Site (1), view restrictions (1), count (1), page of posts (1), sources (1), tags (1), tag counts
# (1), images + renditions (2), rich-text page links: view restrictions (1) + pages (1), comments
# with their counts (1), previous/next: ids (1) + posts (1).
EXPECTED_QUERIES = 14


def add_thread(post, replies_per_level: int = 2) -> None:
    """Three approved top-level comments, each with replies two levels deep, plus a pending
    one and a spam one that must stay out of the thread."""
    fields = {"post": post, "author_email": "reader@example.com", "status": "approved"}
    for number in range(3):
        top = Comment.objects.create(author_name=f"Reader {number}", body=f"Top {number}", **fields)
        for reply_number in range(replies_per_level):
            reply = Comment.objects.create(
                author_name="Replier", body=f"Re {number}.{reply_number}", parent=top, **fields
            )
            Comment.objects.create(
                author_name="Deep", body=f"Re re {number}.{reply_number}", parent=reply, **fields
            )
    Comment.objects.create(post=post, author_name="Queued", body="?", author_email="q@example.com")
    Comment.objects.create(
        post=post, author_name="Spammer", body="!", author_email="s@example.com", status="spam"
    )


@pytest.fixture
def populate(make_post, make_image):
    images = [make_image(f"Image {number}", width=900, height=600) for number in range(3)]
    target = make_post("Linked target")

    def populate(count: int, first: int = 0) -> None:
        for number in range(first, first + count):
            post = make_post(
                f"Post {number}",
                intro="An intro",
                body=[
                    ("text", f'<p>See <a linktype="page" id="{target.pk}">this</a>.</p>'),
                    ("figure", {"image": images[number % 3], "caption": "C", "source": 1}),
                    ("video", {"url": "https://youtu.be/dQw4w9WgXcQ", "caption": "V"}),
                    ("quote", {"text": "Q", "attribution": "A", "source": 2}),
                    ("figure", {"image": images[(number + 1) % 3], "alt_text": "Alt"}),
                ],
                sources=["First source", "Second source"],
                tags=["common", f"tag-{number}"],
            )
            add_thread(post)

    return populate


@pytest.mark.parametrize("count", [5, 50])  # a few posts; more posts than a page holds
def test_page_of_posts_runs_a_fixed_number_of_queries(client, settings, populate, count):
    # What executing costs: no answer from the response cache.
    settings.CMS_BLOG = {"GRAPHQL_RESPONSE_CACHE": False}
    populate(count)
    data_of(client, EVERYTHING)  # creates the renditions, as earlier visitors would have

    with CaptureQueriesContext(connection) as queries:
        data = data_of(client, EVERYTHING)

    items = data["posts"]["items"]
    assert len(items) == min(count + 1, 20)
    post = next(item for item in items if item["title"] != "Linked target")
    assert [len(comment["replies"]) for comment in post["comments"]] == [2, 2, 2]
    assert post["comments"][0]["replies"][0]["replies"][0]["depth"] == 2
    assert post["commentCount"] == 3 * (1 + 2 + 2)
    assert len(queries) == EXPECTED_QUERIES, "\n".join(q["sql"] for q in queries.captured_queries)


# Every field of every type a query reaches, asked for by each way a post is reached: a page of
# posts, a neighbour beyond the page, one post, the tags and a thread. Any resolver loading per
# row warns with UnbatchedLoadWarning, which the suite makes an error (pyproject.toml).
EVERY_FIELD = (
    FRAGMENTS
    + """
query ($perPage: Int!, $slug: String!, $postId: ID!) {
  posts(perPage: $perPage) {
    items { ...post previousPost { ...post } nextPost { ...post } }
    pagination { total count perPage currentPage prevPage nextPage totalPages }
  }
  post(slug: $slug) { ...post previousPost { ...post previousPost { ...post } } }
  tags { name slug postCount }
  comments(postId: $postId) { ...comment replies { ...comment } }
}
"""
)


def fields_of_query_types() -> set[str]:
    """``Type.field`` for every field of the types a query reaches (not the mutation's); an
    interface's field counts once, on the interface."""
    found, seen = set(), set()
    pending = [schema.graphql_schema.query_type]
    while pending:
        graphql_type = pending.pop()
        if graphql_type.name in seen:
            continue
        seen.add(graphql_type.name)
        if isinstance(graphql_type, GraphQLInterfaceType):
            pending += schema.graphql_schema.get_possible_types(graphql_type)
        inherited = {name for interface in graphql_type.interfaces for name in interface.fields}
        for name, field in graphql_type.fields.items():
            if name not in inherited:  # asked for on the interface
                found.add(f"{graphql_type.name}.{name}")
            inner = get_named_type(field.type)
            if isinstance(inner, GraphQLObjectType | GraphQLInterfaceType):
                pending.append(inner)
    return found


def fields_asked(document: str) -> set[str]:
    type_info = TypeInfo(schema.graphql_schema)
    asked = set()

    class Collect(Visitor):
        def enter_field(self, node, *_args) -> None:
            asked.add(f"{type_info.get_parent_type().name}.{node.name.value}")

    visit(parse(document), TypeInfoVisitor(type_info, Collect()))
    return asked


def test_every_field_query_asks_for_every_field():
    # A field added to the schema must be added here, so that its resolver is checked below.
    assert fields_of_query_types() - fields_asked(EVERY_FIELD) == set()


def test_no_resolver_loads_per_row(client, settings, populate):
    # What executing costs: no answer from the response cache.
    settings.CMS_BLOG = {"GRAPHQL_MAX_FIELDS": 2000, "GRAPHQL_RESPONSE_CACHE": False}

    def queries_for_every_field(per_page: int) -> int:
        """The queries of a page of ``per_page`` posts, all but the oldest post: the previous
        post of the page's last lies beyond it. The newest post and its neighbours are asked for
        again, and the oldest post's thread alone."""
        oldest = BlogPostPage.objects.get(slug="linked-target")
        newest = f"post-{per_page}"
        variables = {"perPage": per_page, "slug": newest, "postId": str(oldest.pk)}
        data_of(client, EVERY_FIELD, variables)  # creates the renditions
        with CaptureQueriesContext(connection) as queries:
            data = data_of(client, EVERY_FIELD, variables)
        items = data["posts"]["items"]
        assert len(items) == per_page
        assert items[-1]["previousPost"]["title"] == "Post 0"
        assert data["post"]["previousPost"]["previousPost"]["title"] == f"Post {per_page - 2}"
        return len(queries)

    populate(3)
    two_posts = queries_for_every_field(per_page=2)
    populate(4, first=3)
    # Three times the posts, the same queries: nothing is loaded post by post.
    assert queries_for_every_field(per_page=6) == two_posts
