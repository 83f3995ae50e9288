"""The comments domain's loaders, keyed by post id like the posts' (``..loaders`` says how): the
public discussion of every post primed so far, from ``cms_blog.comments.threads``."""

from dataclasses import dataclass
from typing import Any, Self

from ...cache.tags import comments_tag
from ...comments.threads import ThreadKey, public_comment_counts, thread_windows
from ...models import Comment
from ..loaders import Loader, registry
from ..posts.loaders import POST


class DiscussionLoader(Loader[int, Any]):
    """A loader of what a post's public discussion shows: its answers carry ``comments:<id>``."""

    kind = POST

    def cache_tags(self, keys: list[int]) -> list[str]:
        return [*super().cache_tags(keys), *(comments_tag(pk) for pk in keys)]


@dataclass(frozen=True)
class ThreadWindow:
    """Which threads a ``comments`` field asks for: ``first`` of them after the thread ``after``
    (from the first when None)."""

    first: int
    after: ThreadKey | None = None


class ThreadsLoader(DiscussionLoader):
    """A window of each post's threads: approved top-level comments, oldest first, each with its
    approved replies; one query for all the posts. A document may ask for several windows
    (``comments(first: 5)`` on a list, ``comments(first: 50)`` under an alias): one loader each."""

    window: ThreadWindow

    def __new__(cls, context: Any, window: ThreadWindow) -> Self:
        # Loader.__new__ keeps one loader per class; this one is per class and window.
        loaders = registry(context).loaders
        key = (cls, window)
        if key not in loaders:
            loader = object.__new__(cls)
            loader.context, loader.values, loader.window = context, {}, window
            loaders[key] = loader
        return loaders[key]

    def batch_load(self, keys: list[int]) -> dict[int, list[Comment]]:
        return thread_windows(keys, self.window.first, self.window.after)


class CommentCountLoader(DiscussionLoader):
    """How many comments each post shows, replies included: one count query for all the posts,
    whatever their threads, and whichever window of them a field reads."""

    def batch_load(self, keys: list[int]) -> dict[int, int]:
        return public_comment_counts(keys)
