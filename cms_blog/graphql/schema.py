"""The blog's schema, composed once from the domains' query and mutation mixins.

A host site mixes the same classes into its own schema::

    class Query(PostQueries, CommentQueries, MyQueries, graphene.ObjectType): ...
    class Mutation(CommentMutations, MyMutations, graphene.ObjectType): ...
    schema = graphene.Schema(query=Query, mutation=Mutation, types=BLOG_TYPES)

``BLOG_TYPES`` lists the GraphQL types of the post body's blocks (each block names its own, see
``posts/blocks.py``), which are reached only through their interface and so must be named to the
schema."""

import graphene

from .comments.mutations import CommentMutations
from .comments.queries import CommentQueries
from .posts.blocks import body_block_types
from .posts.queries import PostQueries

BLOG_TYPES = body_block_types()


class Query(PostQueries, CommentQueries, graphene.ObjectType):
    """The blog's posts, tags and comments."""


class Mutation(CommentMutations, graphene.ObjectType):
    """Reader actions."""


schema = graphene.Schema(query=Query, mutation=Mutation, types=BLOG_TYPES)
