"""The possibleTypes the package ships for client caches (Apollo's InMemoryCache, and the like)
stay those of the schema, and the command prints them for any schema."""

import json

import graphene
from django.core.management import call_command

from cms_blog.graphql.possible_types import POSSIBLE_TYPES_FILE, possible_types, possible_types_json
from cms_blog.graphql.schema import schema


def test_shipped_possible_types_are_the_schema_s():
    """After a schema change, print them again (docs/development.md says how)."""
    assert POSSIBLE_TYPES_FILE.read_text() == possible_types_json(schema)
    # every body block, so that a fragment on any of them matches inside `body`
    assert json.loads(POSSIBLE_TYPES_FILE.read_text()) == {
        "StreamFieldInterface": ["FigureBlock", "QuoteBlock", "TextBlock", "VideoBlock"]
    }


class Animal(graphene.Interface):
    name = graphene.String()


class Dog(graphene.ObjectType):
    class Meta:
        interfaces = (Animal,)


class Cat(graphene.ObjectType):
    class Meta:
        interfaces = (Animal,)


class Stone(graphene.ObjectType):
    weight = graphene.Int()


class Thing(graphene.Union):
    class Meta:
        types = (Stone, Dog)


class HostQuery(graphene.ObjectType):
    animal = graphene.Field(Animal)
    thing = graphene.Field(Thing)


HOST_SCHEMA = graphene.Schema(query=HostQuery, types=[Dog, Cat])


def test_possible_types_of_interfaces_and_unions():
    # object types are left out; a type in both an interface and a union is in both lists
    assert possible_types(HOST_SCHEMA) == {"Animal": ["Cat", "Dog"], "Thing": ["Dog", "Stone"]}


def test_command_prints_them_or_writes_a_file(capsys, tmp_path):
    call_command("graphql_possible_types")
    assert capsys.readouterr().out == POSSIBLE_TYPES_FILE.read_text()
    out = tmp_path / "possibleTypes.json"
    call_command("graphql_possible_types", schema=f"{__name__}.HOST_SCHEMA", out=str(out))
    assert json.loads(out.read_text()) == possible_types(HOST_SCHEMA)
