"""Request-scoped loaders: whatever a list of objects needs is loaded once for all of them.

The shape of Saleor's ``dataloaders.py``, but synchronous, as the schema is: one ``Loader``
subclass per thing loaded, keyed by id, with one instance per request kept on ``info.context``
(``TagsLoader(info.context).load(post.pk)``). Each domain keeps its loaders in its own
``loaders.py``.

A resolver that returns objects *primes* their ids. The first time a loader is asked for one of
them, it loads its values for every id of its ``kind`` primed so far, in one batch: a query costs
the same number of SQL queries for 5 posts as for 50. Asking for an id that nothing primed still
works, as a batch of one, but warns with ``UnbatchedLoadWarning``: run once per row, that is one
batch per row, the N+1 the loaders are there to prevent. The test suite makes the warning an
error (pyproject.toml), so a resolver that forgets to prime fails a test.

The registry also collects the cache tags of the answer (``caching.py`` stores it under them):
every id a loader is given or loads tags the answer with the loader's ``cache_tags``, by default
``<kind>:<id>`` (``post:12``; the comments' loaders add ``comments:<id>``, the tag counts tag
``tags``); resolvers of lists add theirs with ``record_tags`` (``posts``, ``tags``).

This module imports nothing from Django, so that pytest can name the warning in its
configuration before Django is set up.
"""

import warnings
from collections.abc import Hashable, Iterable
from typing import Any, ClassVar, Generic, Self, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

CONTEXT_ATTR = "cms_blog_loaders"


class UnbatchedLoadWarning(RuntimeWarning):
    """A loader was asked for an id that no resolver primed: it loaded that id alone."""


class Registry:
    """What the loaders of one request share: each loader, by class, and the ids primed so far,
    by kind (in the order they were primed)."""

    def __init__(self) -> None:
        self.loaders: dict[type, Loader] = {}
        self.primed: dict[str, dict[Hashable, None]] = {}
        self.tags: set[str] = set()


def registry(context: Any) -> Registry:
    """The request's registry, created on first use (the context is the Django request)."""
    found = getattr(context, CONTEXT_ATTR, None)
    if found is None:
        found = Registry()
        setattr(context, CONTEXT_ATTR, found)
    return found


def prime(context: Any, kind: str, keys: Iterable[Hashable]) -> None:
    """Announce ids that every loader of this kind will load together, when first asked."""
    registry(context).primed.setdefault(kind, {}).update(dict.fromkeys(keys))


def record_tags(context: Any, tags: Iterable[str]) -> None:
    """Tag the request's answer with ``tags`` (what it shows beyond the ids loaded)."""
    registry(context).tags.update(tags)


def recorded_tags(context: Any) -> set[str]:
    """The cache tags of everything the request's answer showed."""
    return set(registry(context).tags)


class Loader(Generic[K, V]):
    """Values by id for one request. Subclasses set ``kind`` (what their ids are the ids of:
    loaders of one kind are primed together) and implement ``batch_load``."""

    kind: ClassVar[str]
    context: Any
    values: dict[K, V | None]

    def __new__(cls, context: Any) -> Self:
        loaders = registry(context).loaders
        if cls not in loaders:
            loader = super().__new__(cls)
            loader.context = context
            loader.values = {}
            loaders[cls] = loader
        return loaders[cls]

    def batch_load(self, keys: list[K]) -> dict[K, V]:
        """The values of these ids; an id left out loads as None."""
        raise NotImplementedError

    def cache_tags(self, keys: list[K]) -> Iterable[str]:
        """The tags an answer showing these ids' values carries."""
        return [f"{self.kind}:{key}" for key in keys]

    def prime(self, key: K, value: V, *, replace: bool = False) -> V:
        """Record a value already at hand (a post a resolver returns) and prime its id for every
        loader of this kind; returns the value kept for the id. The first value primed for an id
        stays, unless ``replace``: then every loader of the kind forgets what it had for it."""
        if replace:
            for loader in registry(self.context).loaders.values():
                if loader.kind == self.kind:
                    loader.values.pop(key, None)
        prime(self.context, self.kind, [key])
        record_tags(self.context, self.cache_tags([key]))
        return self.values.setdefault(key, value)

    def load(self, key: K) -> V | None:
        return self.load_many([key])[0]

    def load_many(self, keys: Iterable[K]) -> list[V | None]:
        """The values of these ids, loading at most one batch: these ids and every id primed
        but not loaded yet."""
        keys = list(keys)
        record_tags(self.context, self.cache_tags(keys))
        missing = [key for key in dict.fromkeys(keys) if key not in self.values]
        if missing:
            primed = registry(self.context).primed.get(self.kind, {})
            unprimed = [key for key in missing if key not in primed]
            if unprimed:
                warnings.warn(
                    f"{type(self).__name__} loaded {unprimed!r}, which no resolver primed: "
                    "prime the ids a resolver returns, or each row costs a batch of its own.",
                    UnbatchedLoadWarning,
                    stacklevel=3,
                )
            batch = [key for key in primed if key not in self.values] + unprimed
            loaded = self.batch_load(batch)
            for key in batch:
                self.values[key] = loaded.get(key)
        return [self.values[key] for key in keys]
