"""The blog's GraphQL API: a graphene-django schema split by domain (posts, comments), each with
its types, queries and request-scoped loaders (``loaders.py`` says how those batch).

``schema.py`` composes the domains; ``views.BlogGraphQLView`` serves it with every guard. The
models import nothing from here."""
