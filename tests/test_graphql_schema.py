"""The schema's shape: the committed SDL is current, the contract kept, everything described."""

import re
from pathlib import Path

import pytest
from graphql import (
    DangerousChangeType,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    parse,
    print_schema,
    validate,
)

from cms_blog.graphql.schema import schema

REPO = Path(__file__).resolve().parent.parent
CONTRACTS = [
    # The copy committed with the code, always present.
    REPO / "tests" / "contract" / "schema.graphql",
    # The shared original, beside the clone in CI; skipped when absent.
    REPO.parent / "shared" / "contract" / "schema.graphql",
]
REGENERATE = (
    "python site/manage.py graphql_schema --schema cms_blog.graphql.schema.schema "
    "--out docs/schema.graphql"
)


def printed() -> str:
    return print_schema(schema.graphql_schema)


def contract_differences(contract: GraphQLSchema, ours: GraphQLSchema) -> list[str]:
    """What the contract names that our schema drops, renames, retypes or re-defaults. graphql-core
    finds breaking changes; the contract is stricter still (exact nullability, same defaults)."""
    problems = [change.description for change in find_breaking_changes(contract, ours)]
    problems += [
        change.description
        for change in find_dangerous_changes(contract, ours)
        if change.type == DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE
    ]
    for name, contract_type in contract.type_map.items():
        our_type = ours.type_map.get(name)
        if name.startswith("__") or our_type is None or isinstance(contract_type, GraphQLEnumType):
            continue
        for field_name, field in getattr(contract_type, "fields", {}).items():
            our_field = our_type.fields.get(field_name)
            if our_field and str(our_field.type) != str(field.type):
                problems.append(f"{name}.{field_name} is {our_field.type}, not {field.type}")
            for arg_name, arg in getattr(field, "args", {}).items():
                our_arg = our_field.args.get(arg_name) if our_field else None
                if our_arg and str(our_arg.type) != str(arg.type):
                    problems.append(f"{name}.{field_name}({arg_name}) is {our_arg.type}")
    return problems


def test_committed_sdl_is_current():
    committed = (REPO / "docs" / "schema.graphql").read_text()
    assert committed.strip() == printed().strip(), f"docs/schema.graphql is stale: {REGENERATE}"


@pytest.mark.parametrize("contract_path", CONTRACTS, ids=["repo-copy", "shared"])
def test_schema_is_a_superset_of_the_contract(contract_path):
    if not contract_path.exists():
        pytest.skip(f"{contract_path} is not beside this clone")
    contract = build_schema(contract_path.read_text())
    # Rebuilt from its SDL so that graphene's scalar classes compare like the contract's.
    assert contract_differences(contract, build_schema(printed())) == []


@pytest.mark.parametrize(
    "type_name, field, replacement, expected",
    [
        # a contract field renamed
        ("Post", "slug: String!", "slugg: String!", "Post.slug was removed"),
        # a non-null field made nullable
        ("Post", "title: String!", "title: String", "Post.title is String, not String!"),
        # a nullable field made non-null
        ("Post", "previousPost: Post", "previousPost: Post!", "Post.previousPost is Post!"),
        # an argument's default changed
        ("Query", "perPage: Int = 10", "perPage: Int = 20", "Query.posts arg perPage"),
    ],
)
def test_contract_check_catches_drift(type_name, field, replacement, expected):
    contract = build_schema(CONTRACTS[0].read_text())
    head, _, rest = printed().partition(f"type {type_name} {{")
    body, _, tail = rest.partition("\n}")
    assert f"  {field}\n" in body
    body = body.replace(f"  {field}\n", f"  {replacement}\n")
    drifted = f"{head}type {type_name} {{{body}\n}}{tail}"
    problems = contract_differences(contract, build_schema(drifted))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_every_field_and_argument_is_described():
    undescribed = []
    for name, graphql_type in schema.graphql_schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if not graphql_type.description:
            undescribed.append(name)
        fields = getattr(graphql_type, "fields", {})
        for field_name, field in fields.items():
            if not field.description:
                undescribed.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    undescribed.append(f"{name}.{field_name}({arg_name})")
    assert undescribed == []


def test_no_field_can_reveal_email_or_ip():
    names = {
        field_name.lower()
        for graphql_type in schema.graphql_schema.type_map.values()
        if not graphql_type.name.startswith("__")
        for field_name in getattr(graphql_type, "fields", {})
        if not isinstance(graphql_type, GraphQLInputObjectType)
    }
    assert not {
        name for name in names if "email" in name or "ip" in name.replace("description", "")
    }


def documented_operations() -> list[str]:
    return re.findall(r"```graphql\n(.*?)```", (REPO / "docs" / "graphql.md").read_text(), re.S)


@pytest.mark.parametrize("document", documented_operations())
def test_documented_examples_are_valid(document):
    assert validate(schema.graphql_schema, parse(document)) == []


def test_docs_have_examples():
    # list, one post, comment tree, paging the comment threads, addComment, preview, a document's
    # max-age
    assert len(documented_operations()) == 7
