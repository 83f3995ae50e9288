from .comments import Comment
from .pages import (
    BlogIndexPage,
    BlogIndexPageMixin,
    BlogPostPage,
    BlogPostPageMixin,
    BlogPostQuerySet,
    BlogPostSource,
    BlogPostTag,
)
from .swappable import get_index_model, get_post_model

__all__ = [
    "BlogIndexPage",
    "BlogIndexPageMixin",
    "BlogPostPage",
    "BlogPostPageMixin",
    "BlogPostQuerySet",
    "BlogPostSource",
    "BlogPostTag",
    "Comment",
    "get_index_model",
    "get_post_model",
]
