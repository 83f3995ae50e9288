"""A host site mixes the blog's query and mutation classes into its own graphene schema, served
by its own URL through the blog's guarded view (wagtail-grapple does not support Wagtail 8 yet,
so plain graphene is what is tested; see docs/graphql.md)."""

import graphene
import pytest
from django.test import RequestFactory
from django.urls import path

from cms_blog.graphql.comments.mutations import CommentMutations
from cms_blog.graphql.comments.queries import CommentQueries
from cms_blog.graphql.posts.queries import PostQueries
from cms_blog.graphql.schema import BLOG_TYPES
from cms_blog.graphql.views import BlogGraphQLView
from cms_blog.models import Comment


class HostQuery(PostQueries, CommentQueries, graphene.ObjectType):
    """The host's root type: its own fields beside the blog's."""

    greeting = graphene.String(description="The host's own field.")

    @staticmethod
    def resolve_greeting(root, info) -> str:
        return "Hello from the host"


class HostMutation(CommentMutations, graphene.ObjectType):
    """The host's mutations."""


host_schema = graphene.Schema(query=HostQuery, mutation=HostMutation, types=BLOG_TYPES)

urlpatterns = [path("api/graphql/", BlogGraphQLView.as_view(schema=host_schema))]

QUERY = """
{
  greeting
  posts { items { title body { blockType ... on TextBlock { html } } } }
  tags { name }
}
"""


@pytest.mark.urls(__name__)
def test_host_schema_serves_blog_fields_beside_its_own(client, make_post):
    make_post("Mixed", body=[("text", "<p>Body</p>")], tags=["t"])
    response = client.post("/api/graphql/", {"query": QUERY}, content_type="application/json")
    assert response.json() == {
        "data": {
            "greeting": "Hello from the host",
            "posts": {
                "items": [
                    {"title": "Mixed", "body": [{"blockType": "text", "html": "<p>Body</p>"}]}
                ]
            },
            "tags": [{"name": "t"}],
        }
    }


@pytest.mark.urls(__name__)
def test_host_endpoint_keeps_the_blog_guards(client, blog_index):
    deep = "{ posts { items { " + "previousPost { " * 50 + "id" + " }" * 50 + " } } }"
    response = client.post("/api/graphql/", {"query": deep}, content_type="application/json")
    assert response.status_code == 400


def test_host_schema_executes_add_comment(make_post, settings):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none"}
    post = make_post("Open")
    request = RequestFactory().post("/api/graphql/")
    result = host_schema.execute(
        """mutation ($input: AddCommentInput!) {
             addComment(input: $input) { status errors { field } } }""",
        variable_values={
            "input": {
                "postId": str(post.pk),
                "authorName": "Ann",
                "authorEmail": "ann@example.com",
                "body": "Hi",
            }
        },
        context_value=request,
    )
    assert result.errors is None
    assert result.data == {"addComment": {"status": "PUBLISHED", "errors": []}}
    assert Comment.objects.get().post_id == post.pk
