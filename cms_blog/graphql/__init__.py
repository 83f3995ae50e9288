"""The blog's GraphQL API: a graphene-django schema split by domain (posts, comments).

``schema.py`` composes the domains; ``views.BlogGraphQLView`` serves it with every guard. Nothing
here is imported by the models at load time except ``preview`` (which imports no models)."""
