"""Headless journey: the post query of docs/graphql.md, run in GraphiQL against /graphql/,
returns the post with every block.

GraphiQL is served from the site's own static files (the ``graphiql`` extra): the browser has no
network but 127.0.0.1. The query goes in through the URL fragment, as a shared GraphiQL link
carries it, and runs with GraphiQL's own button; the test reads the answer GraphiQL received."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

DOCS = Path(__file__).parents[2] / "docs" / "graphql.md"


def documented_query(heading: str) -> str:
    """The first GraphQL example under a ``##`` heading of docs/graphql.md."""
    section = DOCS.read_text().split(f"\n## {heading}\n", 1)[1]
    return re.search(r"```graphql\n(.*?)```", section, re.S).group(1)


@pytest.fixture(autouse=True)
def graphiql_on(settings) -> None:
    settings.CMS_BLOG = {**settings.CMS_BLOG, "GRAPHQL_GRAPHIQL": True}


def test_frontend_reads_a_post_with_every_block(
    page: Page, site_url: Callable[[str], str], screenshot, vienna_post
):
    query = documented_query("One post with every block")
    variables = json.dumps({"path": vienna_post.url})
    fragment = urlencode({"query": query, "variables": variables}, quote_via=url_quote)
    page.goto(site_url("/graphql/#" + fragment))
    expect(page.locator(".graphiql-container")).to_be_visible()

    def runs_the_query(response) -> bool:
        # GraphiQL also posts its introspection query, maybe later than the button's: skip it.
        request = response.request
        if request.method != "POST" or not response.url.startswith(site_url("/graphql/")):
            return False
        return json.loads(request.post_data or "{}").get("query", "").strip() == query.strip()

    with page.expect_response(runs_the_query) as answer:
        page.get_by_role("button", name=re.compile("Execute query")).click()
    result = {"status": answer.value.status, "body": answer.value.json()}
    expect(page.locator(".graphiql-response")).to_contain_text("The Congress of Vienna")
    expect(page.locator(".cms-blog-graphiql-fallback")).to_have_count(0)  # GraphiQL took its place
    screenshot(page, "graphiql")

    assert result["status"] == 200, result
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


def test_graphiql_page_explains_itself_when_its_scripts_cannot_load(
    page: Page, site_url: Callable[[str], str]
):
    # As a Content Security Policy or a storage that rewrote the files (integrity) would do.
    page.route("**/static/graphene_django_graphiql_static/**", lambda route: route.abort())
    page.goto(site_url("/graphql/"))
    fallback = page.locator("#editor .cms-blog-graphiql-fallback")
    expect(fallback.get_by_role("heading", name="GraphQL endpoint")).to_be_visible()
    expect(fallback).to_contain_text("GraphiQL, the query explorer that browsers get here, has not")
    expect(fallback.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"graphql\.md#graphiql$")
    )
