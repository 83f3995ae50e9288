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
from .wordpress import WordPressImportRecord

__all__ = [
    "BlogIndexPage",
    "BlogPostPage",
    "BlogPostSource",
    "BlogPostTag",
    "Comment",
    "attach_thumbnails",
    "newest_first",
    "visible_posts",
    "WordPressImportRecord",
]
