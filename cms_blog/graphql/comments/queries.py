"""Comment queries: the public discussion of one post."""

import graphene
from graphql import GraphQLResolveInfo

from ...cache.tags import post_tag
from ...ids import parse_id
from ...models import Comment
from ..loaders import prime, record_tags
from ..posts.loaders import POST
from ..site import site_posts
from .paging import load_threads, thread_arguments
from .types import CommentType


class CommentQueries(graphene.ObjectType):
    comments = graphene.List(
        graphene.NonNull(CommentType),
        required=True,
        post_id=graphene.ID(required=True, description="The post's Wagtail page id."),
        description="Approved top-level comments of a visible post, oldest first, each with its "
        "approved replies: the first `first` threads, after the thread of the cursor `after`; "
        "empty for a post that is hidden or does not exist.",
        **thread_arguments(),
    )

    @staticmethod
    def resolve_comments(
        root,
        info: GraphQLResolveInfo,
        post_id: str,
        first: int | None = None,
        after: str | None = None,
    ) -> list[Comment]:
        pk = parse_id(post_id)
        if pk is None:
            return []
        # Empty while the post is hidden: publishing it invalidates its tag.
        record_tags(info.context, [post_tag(pk)])
        if not site_posts(info.context).filter(pk=pk).exists():
            return []
        prime(info.context, POST, [pk])
        return load_threads(info, pk, first, after)
