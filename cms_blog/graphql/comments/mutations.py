"""Comment mutations: ``addComment`` runs the page form's submission service, unchanged."""

import graphene
from django.utils.translation import gettext as _
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLResolveInfo

from ...comments.service import submit_comment
from ...ids import parse_id
from .types import CommentType


class AddCommentInput(graphene.InputObjectType):
    post_id = graphene.ID(required=True, description="The post's Wagtail page id.")
    parent_id = graphene.ID(description="The approved comment this one replies to.")
    author_name = graphene.String(required=True, description="The name shown with the comment.")
    author_email = graphene.String(
        required=True, description="Never published; used for moderation and notifications."
    )
    author_url = graphene.String(description="The author's website, http(s) only.")
    body = graphene.String(required=True, description="The comment, as plain text.")

    class Meta:
        description = "A reader's comment, as the page's comment form takes it."


class CommentStatusEnum(graphene.Enum):
    PUBLISHED = "published"
    PENDING = "pending"

    class Meta:
        name = "CommentStatus"
        description = "What became of an accepted comment."


class FieldErrorType(graphene.ObjectType):
    field = graphene.String(
        required=True,
        description="The input field in camelCase, or __all__ for errors that belong to no one "
        "field.",
    )
    messages = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Why, for readers."
    )

    class Meta:
        name = "FieldError"
        description = "Why an input was refused."


class AddCommentPayload(graphene.ObjectType):
    status = graphene.Field(
        CommentStatusEnum, description="Null when the comment was refused; errors then say why."
    )
    comment = graphene.Field(
        CommentType, description="The stored comment, shown to its own author even while pending."
    )
    errors = graphene.List(
        graphene.NonNull(FieldErrorType),
        required=True,
        description="Empty when the comment was accepted.",
    )

    class Meta:
        description = "The result of addComment."


class AddComment(graphene.Mutation):
    class Arguments:
        input = AddCommentInput(required=True, description="The comment to submit.")

    Output = AddCommentPayload

    @staticmethod
    def mutate(root, info: GraphQLResolveInfo, input: AddCommentInput) -> AddCommentPayload:
        ids = {name: parse_id(input.get(name)) for name in ("post_id", "parent_id")}
        bad_ids = {
            to_camel_case(name): [_("Enter a valid id.")]
            for name, pk in ids.items()
            if input.get(name) is not None and pk is None
        }
        if bad_ids:
            return AddCommentPayload(errors=field_errors(bad_ids))
        result = submit_comment(
            info.context,
            post_id=ids["post_id"],
            parent_id=ids["parent_id"],
            author_name=input.author_name,
            author_email=input.author_email,
            author_url=input.get("author_url") or "",
            body=input.body,
        )
        if result.comment is None:
            return AddCommentPayload(errors=field_errors(result.errors))
        return AddCommentPayload(
            status=CommentStatusEnum.PUBLISHED if result.published else CommentStatusEnum.PENDING,
            comment=result.comment,
            errors=[],
        )


def field_errors(errors: dict[str, list[str]]) -> list[FieldErrorType]:
    """Errors keyed by ``submit_comment``'s argument names, renamed to the input's fields."""
    return [
        FieldErrorType(
            field=name if name == "__all__" else to_camel_case(name),
            messages=[str(message) for message in messages],
        )
        for name, messages in errors.items()
    ]


class CommentMutations(graphene.ObjectType):
    add_comment = AddComment.Field(
        required=True,
        description="Submit a comment under the same rules as the page's comment form.",
    )
