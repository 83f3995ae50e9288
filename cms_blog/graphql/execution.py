"""The execution context of the blog's endpoint: graphql-core's, for a synchronous schema.

graphql-core asks ``is_awaitable`` of every value it meets (each resolver's result, each
completed value, each list item: some 7,000 calls for a 20-post list), so that one executor
serves both synchronous and asynchronous schemas. The blog's resolvers are all synchronous (the
loaders batch without awaiting, see ``loaders.py``), so nothing is ever awaitable and the check
is dead weight. A host site that mixes asynchronous resolvers into its schema serves it with
graphql-core's own context instead: a subclass of ``BlogGraphQLView`` setting
``execution_context_class = graphql.ExecutionContext``.
"""

from typing import Any

from graphql import ExecutionContext


def never_awaitable(value: Any) -> bool:
    return False


class SynchronousExecutionContext(ExecutionContext):
    is_awaitable = staticmethod(never_awaitable)
