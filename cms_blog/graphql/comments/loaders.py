"""The comments domain's loaders, keyed by post id like the posts' (``..loaders`` says how): the
public discussion of every post primed so far, from ``cms_blog.comments.threads``."""

from typing import Any

from ...cache.tags import comments_tag
from ...comments.threads import comment_threads, thread_size
from ...models import Comment
from ..loaders import Loader
from ..posts.loaders import POST


class DiscussionLoader(Loader[int, Any]):
    """A loader of what a post's public discussion shows: its answers carry ``comments:<id>``."""

    kind = POST

    def cache_tags(self, keys: list[int]) -> list[str]:
        return [comments_tag(pk) for pk in keys]


class ThreadsLoader(DiscussionLoader):
    """Each post's approved top-level comments, oldest first, with their approved replies: one
    query for all the posts."""

    def batch_load(self, keys: list[int]) -> dict[int, list[Comment]]:
        return comment_threads(keys)


class CommentCountLoader(DiscussionLoader):
    """How many comments each post's threads hold, replies included: counted from the threads,
    so that a count always matches its thread, and no query of its own."""

    def batch_load(self, keys: list[int]) -> dict[int, int]:
        threads = ThreadsLoader(self.context).load_many(keys)
        return {pk: thread_size(thread) for pk, thread in zip(keys, threads, strict=True)}
