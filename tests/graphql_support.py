"""Helpers of the GraphQL tests: posting a document to the endpoint as a frontend would."""

from typing import Any

from django.test import Client

ENDPOINT = "/graphql/"


def run_query(
    client: Client, query: str, variables: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """POST the document as JSON; the endpoint answers 200 to anything that executed."""
    response = client.post(
        ENDPOINT,
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        **extra,
    )
    assert response.status_code == 200, response.content
    return response.json()


def data_of(client: Client, query: str, variables: dict[str, Any] | None = None, **extra) -> dict:
    """The ``data`` of a query that must run without errors."""
    result = run_query(client, query, variables, **extra)
    assert "errors" not in result, result["errors"]
    return result["data"]
