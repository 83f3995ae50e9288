"""Headless journey: with GraphiQL enabled, the post query of docs/graphql.md, run from the
browser against /graphql/, returns the post with every block.

GraphiQL's own editor cannot be driven here: graphene-django's GraphiQL page loads React and
GraphiQL from cdn.jsdelivr.net, and these tests have no network. So the browser opens the GraphiQL
page (served because it is enabled) and sends the documented query from it with ``fetch()``, as a
frontend would, then loads the image rendition the answer points to."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

DOCS = Path(__file__).parents[2] / "docs" / "graphql.md"
SEND_QUERY = """async ({query, variables}) => {
    const response = await fetch("/graphql/", {
        method: "POST",
        headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify({query, variables}),
    });
    return {status: response.status, body: await response.json()};
}"""


def documented_query(heading: str) -> str:
    """The first GraphQL example under a ``##`` heading of docs/graphql.md."""
    section = DOCS.read_text().split(f"\n## {heading}\n", 1)[1]
    return re.search(r"```graphql\n(.*?)```", section, re.S).group(1)


@pytest.fixture(autouse=True)
def graphiql_on(settings) -> None:
    settings.CMS_BLOG = {**settings.CMS_BLOG, "GRAPHIQL": True}


def test_frontend_reads_a_post_with_every_block(
    page: Page, site_url: Callable[[str], str], vienna_post
):
    response = page.goto(site_url("/graphql/"))
    assert response.status == 200
    assert page.locator("#editor").count() == 1, "GraphiQL's page is served when enabled"

    result = page.evaluate(
        SEND_QUERY,
        {
            "query": documented_query("One post with every block"),
            "variables": {"path": vienna_post.url},
        },
    )

    assert result["status"] == 200
    assert "errors" not in result["body"]
    post = result["body"]["data"]["post"]
    assert post["title"] == "The Congress of Vienna"
    assert [tag["name"] for tag in post["tags"]] == ["history", "Vienna 1815"]
    assert [(source["number"], source["citation"]) for source in post["sources"]] == [
        (1, "Harold Nicolson, The Congress of Vienna (1946)."),
        (2, "Adam Zamoyski, Rites of Peace (2007)."),
    ]
    text, figure, video, quote = post["body"]
    assert [block["blockType"] for block in post["body"]] == ["text", "figure", "video", "quote"]
    assert 'href="https://en.wikipedia.org/wiki/Congress_of_Vienna"' in text["html"]
    assert figure["caption"] == "Europe after the Congress"
    assert figure["image"]["altText"] == "Map of Europe's borders in 1815"
    assert figure["source"]["number"] == 1
    assert (video["provider"], video["videoId"], video["start"]) == ("YOUTUBE", "dQw4w9WgXcQ", 42)
    assert video["embedUrl"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42"
    assert (quote["attribution"], quote["source"]["number"]) == ("Prince de Ligne", 2)

    # The rendition URL a frontend would put in <img> is absolute, on this server, and serves a
    # WebP of the asked width.
    rendition = figure["image"]["rendition"]
    assert rendition["url"].startswith(site_url("/"))
    image = page.request.get(rendition["url"])
    assert image.status == 200
    assert image.headers["content-type"] == "image/webp"
    assert rendition["width"] == 800
