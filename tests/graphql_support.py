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


# What the response cache may keep: everything a post shows, in the lists and on its own.
POST_FIELDS = """
  id title slug url date intro
  tags { name slug postCount }
  commentCount
  comments { id authorName body replies { id authorName body } }
  previousPost { id title url }
  nextPost { id title url }
  thumbnail { title url rendition(width: 400) { url } }
  body {
    id blockType
    ... on TextBlock { html }
    ... on FigureBlock { caption image { title url rendition(width: 400) { url } } }
  }
"""
LIST_READ = f"""query Lists {{
  posts(perPage: 100) {{ items {{ {POST_FIELDS} }} pagination {{ total }} }}
  tags {{ name slug postCount }}
}}"""
TAGS_READ = "query Tags { tags { name slug postCount } }"
POST_READ = f"""query One($id: ID!) {{
  post(id: $id) {{ {POST_FIELDS} }}
  comments(postId: $id) {{ id authorName body replies {{ id }} }}
}}"""
CACHE_STATUS = "X-CMS-Blog-Cache"


def read(client: Client, query: str, variables: dict | None = None) -> tuple[dict, str | None]:
    """The answer to an anonymous POST of the document, and whether the cache had it."""
    response = client.post(
        ENDPOINT, {"query": query, "variables": variables or {}}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json(), response.get(CACHE_STATUS)


def cached_reads(client: Client) -> list[tuple[str, dict]]:
    """Read the lists and every post (drafts too) twice: the second answer comes from the cache.
    Returns the reads, for ``assert_fresh``."""
    from cms_blog.models import get_post_model

    posts = get_post_model().objects.values_list("pk", flat=True)
    reads = [(LIST_READ, {}), (TAGS_READ, {}), *((POST_READ, {"id": str(pk)}) for pk in posts)]
    for query, variables in reads:
        read(client, query, variables)
        assert read(client, query, variables)[1] == "hit"
    return reads


def assert_fresh(client: Client, reads: list[tuple[str, dict]]) -> None:
    """Each read answers what executing it answers now: no cached answer outlived a change."""
    from django.conf import settings
    from django.test import override_settings

    for query, variables in reads:
        served, _status = read(client, query, variables)
        with override_settings(CMS_BLOG={**settings.CMS_BLOG, "GRAPHQL_RESPONSE_CACHE": False}):
            executed, _status = read(client, query, variables)
        assert served == executed, f"a stale answer to {variables or 'the lists'}"
