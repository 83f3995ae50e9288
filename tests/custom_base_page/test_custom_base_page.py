"""The blog in a site with its own base page model: ``WAGTAIL_PAGE_MODEL = "host.BasePage"`` and
blog pages built from the mixins (host/models.py), migrated from scratch by the test database.

``make test`` runs this folder with its own settings (tests/custom_base_page/settings.py)."""

import time

import pytest
from wagtail.models import get_page_models

import cms_blog.models
from cms_blog.comments.forms import form_timestamp
from cms_blog.models import Comment, get_index_model, get_post_model
from tests.custom_base_page.host.models import Article, ArticleTag, BasePage, Journal
from tests.graphql_support import data_of

pytestmark = pytest.mark.django_db

ADD_COMMENT = """
mutation ($input: AddCommentInput!) {
  addComment(input: $input) { status comment { id authorName } errors { field messages } }
}
"""


@pytest.fixture
def article(make_post, make_image):
    return make_post(
        "Vienna, 1815",
        subtitle="A congress",
        intro="How Europe was redrawn.",
        tags=["history"],
        sources=["Harold Nicolson, The Congress of Vienna (1946)."],
        body=[
            ("text", "<p>The congress opened in September (1).</p>"),
            ("figure", {"image": make_image(), "caption": "The map", "source": 1}),
            ("video", {"url": "https://youtu.be/dQw4w9WgXcQ", "caption": "An explainer"}),
            ("quote", {"text": "The congress dances.", "attribution": "Prince de Ligne"}),
        ],
    )


def test_the_site_s_own_models_are_in_use():
    assert get_index_model() is Journal and get_post_model() is Article
    assert issubclass(Article, BasePage) and Article.tags.through is ArticleTag
    # The defaults are not installed: no tables, no page types for editors to choose.
    assert {model.__name__ for model in get_page_models()} >= {"Journal", "Article"}
    assert not {"BlogIndexPage", "BlogPostPage"} & {m.__name__ for m in get_page_models()}
    with pytest.raises(AttributeError, match="CMS_BLOG_POST_MODEL names host.Article"):
        cms_blog.models.BlogPostPage  # noqa: B018


def test_a_post_renders_with_all_four_blocks(client, article):
    html = client.get(article.url).content.decode()

    assert "The congress opened in September" in html
    assert 'href="#source-1"' in html  # the citation links to the source
    assert "The map" in html and "youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    assert "The congress dances." in html and "Prince de Ligne" in html
    assert 'id="respond"' in html


def test_the_index_lists_its_articles_with_tags_and_a_feed(client, article):
    index = article.get_parent()

    assert "Vienna, 1815" in client.get(index.url).content.decode()
    assert "Vienna, 1815" in client.get(f"{index.url}?tag=history").content.decode()
    assert "Vienna, 1815" in client.get(f"{index.url}feed/").content.decode()


def test_a_comment_through_the_form_and_moderation_in_the_admin(client, admin_client, article):
    data = {
        "body": "Great post!",
        "author_name": "Bea",
        "author_email": "bea@example.com",
        "timestamp": form_timestamp(article.pk, time.time() - 60),
    }
    response = client.post(f"/comments/post/{article.pk}/", data)

    comment = Comment.objects.get()
    assert response.status_code == 302 and comment.post_id == article.pk
    assert comment.status == Comment.Status.PENDING  # a first-time commenter waits

    queue = admin_client.get("/admin/cms_blog/comment/").content.decode()
    assert "Great post!" in queue
    admin_client.post(
        "/admin/cms_blog/comments/moderate/", {"action": "approve", "selected": [comment.pk]}
    )
    comment.refresh_from_db()
    assert comment.is_approved
    assert "Great post!" in client.get(article.url).content.decode()


def test_a_comment_through_graphql(client, article, settings):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none"}
    values = {"postId": str(article.pk), "authorName": "Ann", "authorEmail": "a@example.com"}

    data = data_of(client, ADD_COMMENT, {"input": {**values, "body": "Nice"}})

    assert data["addComment"]["status"] == "PUBLISHED"
    assert Comment.objects.get().post_id == article.pk


def test_graphql_answers_the_post_and_list_queries(client, article):
    query = """
    query ($slug: String) {
      post(slug: $slug) {
        title seoTitle tags { slug } sources { number citation }
        body { blockType ... on FigureBlock { image { rendition(width: 400) { width } } } }
      }
      posts { items { title thumbnail { id } } pagination { total } }
    }
    """
    data = data_of(client, query, {"slug": article.slug})

    assert data["post"]["title"] == "Vienna, 1815" and data["post"]["seoTitle"] == ""
    assert [block["blockType"] for block in data["post"]["body"]] == [
        "text",
        "figure",
        "video",
        "quote",
    ]
    assert data["post"]["tags"] == [{"slug": "history"}]
    assert data["posts"]["pagination"]["total"] == 1
    assert data["posts"]["items"][0]["thumbnail"] is not None


def test_page_links_in_rich_text_resolve_on_the_site_s_base_page(client, make_post, blog_index):
    post = make_post(
        "Linked",
        body=[("text", f'<p>See <a linktype="page" id="{blog_index.pk}">the journal</a>.</p>')],
    )

    html = client.get(post.url).content.decode()

    assert f'<a href="{blog_index.url}">the journal</a>' in html
