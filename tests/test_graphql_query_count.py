"""A page of posts costs a fixed number of SQL queries, whatever the number of posts, blocks,
images and comments; and no resolver loads row by row."""

import pytest
from django.db import connection
from django.db.models.signals import post_init
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

from cms_blog.graphql.execution import SynchronousExecutionContext
from cms_blog.graphql.schema import schema
from cms_blog.models import BlogPostPage, Comment
from tests.factories import make_comment
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
  id parentId authorName authorUrl body bodyHtml createdAt depth cursor
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

# The Site comes from Django's cache (graphql/site.py). View restrictions, read once for the
# posts and the pages their text links to (1), page of posts with their total (1), sources (1),
# tags (1), tag counts (1), renditions with their images (1), rich-text page links (1), comment
# counts (1), the threads (1), previous/next: ids (1) + posts (1).
EXPECTED_QUERIES = 11


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


@pytest.fixture(autouse=True)
def executed(settings) -> None:
    """What executing costs: no answer from the response cache (tests/test_graphql_caching.py)."""
    settings.CMS_BLOG = {"GRAPHQL_RESPONSE_CACHE": False}


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
def test_page_of_posts_runs_a_fixed_number_of_queries(client, populate, count):
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
    settings.CMS_BLOG = {**settings.CMS_BLOG, "GRAPHQL_MAX_FIELDS": 2000}

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


WINDOWS = """
query ($perPage: Int!) {
  posts(perPage: $perPage) {
    items {
      commentCount
      comments(first: 2) { body cursor replies { body replies { body } } }
      more: comments(first: 3) { body }
    }
  }
}
"""


def test_a_window_of_threads_costs_the_same_for_1_post_and_20(client, populate):
    populate(20)
    data_of(client, WINDOWS, {"perPage": 1})  # creates the renditions, as earlier visitors did

    def queries_for(per_page: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            items = data_of(client, WINDOWS, {"perPage": per_page})["posts"]["items"]
        assert len(items) == per_page
        for item in items:
            assert [comment["body"] for comment in item["comments"]] == ["Top 0", "Top 1"]
            assert [len(comment["replies"]) for comment in item["comments"]] == [2, 2]
            assert len(item["more"]) == 3
            assert item["commentCount"] == 15  # every page's, not the window's
        return len(queries)

    # View restrictions and the page of posts with its total; the comment counts; one query per
    # window asked for (first: 2 and first: 3), whatever the number of posts.
    assert queries_for(1) == queries_for(20) == 5


def test_a_window_reads_only_its_threads(client, post):
    for number in range(100):
        make_comment(post, parent=make_comment(post, body=f"Thread {number}"))
    read: list[int] = []

    def count_rows(sender, instance, **kwargs) -> None:
        read.append(instance.pk)

    document = "query ($id: ID!) { post(id: $id) { comments(first: 10) { body replies { id } } } }"
    post_init.connect(count_rows, sender=Comment)
    try:
        data = data_of(client, document, {"id": str(post.pk)})
    finally:
        post_init.disconnect(count_rows, sender=Comment)

    threads = data["post"]["comments"]
    assert [thread["body"] for thread in threads] == [f"Thread {n}" for n in range(10)]
    assert all(len(thread["replies"]) == 1 for thread in threads)
    assert len(read) == 20  # 10 threads of a comment and a reply, of 200 comments


def test_tag_counts_cost_a_query_only_when_asked_for(client, populate):
    populate(3)
    query = "{ posts { items { tags { name %s } } } }"
    data_of(client, query % "postCount")  # creates nothing, but warms Wagtail's site cache

    with CaptureQueriesContext(connection) as asked:
        data = data_of(client, query % "postCount")
    with CaptureQueriesContext(connection) as not_asked:
        data_of(client, query % "")

    counts = {
        tag["name"]: tag["postCount"] for item in data["posts"]["items"] for tag in item["tags"]
    }
    assert counts == {"common": 3, "tag-0": 1, "tag-1": 1, "tag-2": 1}
    assert len(asked) == len(not_asked) + 1


def test_the_endpoint_runs_synchronously_and_answers_as_graphql_core_would(
    client, rf, populate, monkeypatch
):
    populate(3)
    data_of(client, EVERYTHING)  # creates the renditions
    expected = schema.execute(EVERYTHING, context_value=rf.post("/graphql/"))
    assert not expected.errors
    checks = []

    def never_awaitable(value):
        checks.append(value)
        return False

    monkeypatch.setattr(SynchronousExecutionContext, "is_awaitable", staticmethod(never_awaitable))

    assert data_of(client, EVERYTHING) == expected.data
    assert checks  # the endpoint ran the synchronous context


def test_an_image_shown_for_the_first_time_joins_those_with_renditions(
    client, populate, make_post, make_image
):
    populate(2)
    data_of(client, EVERYTHING)  # every image shown so far has its renditions
    make_post("New figure", body=[("figure", {"image": make_image("Fresh", width=900)})])

    with CaptureQueriesContext(connection) as first:
        data = data_of(client, EVERYTHING)
    with CaptureQueriesContext(connection) as again:
        assert data_of(client, EVERYTHING) == data

    figure = data["posts"]["items"][0]["body"][0]
    assert figure["image"]["rendition"]["url"].endswith(".fill-400x300.format-webp.webp")
    assert figure["image"]["srcSet"].count("w, ") == 1
    # The new image: loaded apart (it has no rendition yet), its renditions made and stored.
    assert len(again) == EXPECTED_QUERIES < len(first)
