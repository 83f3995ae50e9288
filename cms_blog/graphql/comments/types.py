"""GraphQL type of a public comment. There is no email or IP field, on purpose: those never
leave the server."""

import graphene
from graphene_django import DjangoObjectType
from graphql import GraphQLResolveInfo

from ...models import Comment
from .paging import cursor


class CommentType(DjangoObjectType):
    id = graphene.ID(required=True, description="The comment's id.")
    parent_id = graphene.ID(description="The comment this one replies to; null at top level.")
    author_name = graphene.String(required=True, description="The name the author gave.")
    author_url = graphene.String(description="Only http(s) URLs are ever returned.")
    body = graphene.String(
        required=True, description="The text as written; clients must escape it."
    )
    body_html = graphene.String(
        required=True,
        description='Escaped HTML: paragraphs, line breaks, links with rel="nofollow ugc".',
    )
    created_at = graphene.DateTime(required=True, description="When the comment was posted.")
    depth = graphene.Int(
        required=True,
        description="Replies above this one: 0 for a top-level comment, 1 for a reply to it, and "
        "so on, at most COMMENTS_MAX_DEPTH - 1 (that setting counts levels, the top level as 1).",
    )
    cursor = graphene.String(
        description="Of a top-level comment: its thread's place, for comments(after:) to read "
        "the threads after it (opaque). Null for a reply."
    )
    replies = graphene.List(
        graphene.NonNull(lambda: CommentType),
        required=True,
        description="Approved replies, oldest first.",
    )

    class Meta:
        model = Comment
        name = "Comment"
        description = "A reader's comment."
        fields = ["id", "author_name", "body", "created_at", "depth"]

    @staticmethod
    def resolve_author_url(comment: Comment, info: GraphQLResolveInfo) -> str | None:
        return comment.public_author_url

    @staticmethod
    def resolve_body_html(comment: Comment, info: GraphQLResolveInfo) -> str:
        return comment.body_html

    @staticmethod
    def resolve_cursor(comment: Comment, info: GraphQLResolveInfo) -> str | None:
        return cursor(comment)

    @staticmethod
    def resolve_replies(comment: Comment, info: GraphQLResolveInfo) -> list[Comment]:
        # Threads come from thread_windows(), which attaches the approved replies; a comment
        # just submitted through addComment has none yet.
        return getattr(comment, "thread_replies", [])
