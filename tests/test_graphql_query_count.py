"""A page of posts costs a fixed number of SQL queries, whatever the number of posts, blocks,
images and comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms_blog.models import Comment
from tests.graphql_support import data_of

EVERYTHING = """
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
{
  posts(perPage: 20) {
    items { ...post previousPost { title url } nextPost { title url } }
    pagination { total count perPage currentPage prevPage nextPage totalPages }
  }
}
"""

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

    def populate(count: int) -> None:
        for number in range(count):
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
