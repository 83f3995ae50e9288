"""The possible types of the schema's interfaces and unions: what a client cache needs to match a
fragment on an abstract type (``... on TextBlock`` inside ``body``) without introspecting.

The blog ships them for its own schema as ``possibleTypes.json`` beside this module (Apollo
Client's ``possibleTypes`` format); ``manage.py graphql_possible_types`` prints them for any
schema, a host site's combined one included. docs/graphql.md explains their use."""

import json
from pathlib import Path

import graphene
from graphql import GraphQLSchema, is_abstract_type

POSSIBLE_TYPES_FILE = Path(__file__).with_name("possibleTypes.json")


def possible_types(schema: graphene.Schema | GraphQLSchema) -> dict[str, list[str]]:
    """Every interface and union of ``schema``, by name, with the names of its object types."""
    graphql_schema = getattr(schema, "graphql_schema", schema)
    return {
        name: sorted(member.name for member in graphql_schema.get_possible_types(type_))
        for name, type_ in sorted(graphql_schema.type_map.items())
        if is_abstract_type(type_) and not name.startswith("__")
    }


def possible_types_json(schema: graphene.Schema | GraphQLSchema) -> str:
    """``possible_types`` as the text of possibleTypes.json."""
    return json.dumps(possible_types(schema), indent=2) + "\n"
