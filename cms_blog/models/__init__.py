from .comments import Comment
from .pages import (
    BlogIndexPage,
    BlogPostPage,
    BlogPostSource,
    BlogPostTag,
    attach_thumbnails,
    newest_first,
    visible_posts,
)

__all__ = [
    "BlogIndexPage",
    "BlogPostPage",
    "BlogPostSource",
    "BlogPostTag",
    "Comment",
    "attach_thumbnails",
    "newest_first",
    "visible_posts",
]
