"""GraphiQL's static files in production, and its page when its scripts cannot start it."""

import json

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.management import call_command

from cms_blog.docs import docs_url


def test_collectstatic_with_manifest_storage_takes_the_graphiql_extra(settings, tmp_path):
    """graphene-django-graphiql-static's minified GraphiQL names source maps it does not ship,
    which ManifestStaticFilesStorage (Wagtail's starter's production storage) refuses; the blog
    ships empty maps under those names."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert apps.is_installed("graphene_django_graphiql_static")
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ["graphiql.min.css", "graphiql.min.js", "graphiql.min.css.map"]:
        assert f"graphene_django_graphiql_static/{name}" in manifest
    assert "cms_blog/cms_blog.css" in manifest


@pytest.fixture
def graphiql_page(client, settings):
    settings.CMS_BLOG = {"GRAPHIQL": True}

    def get() -> BeautifulSoup:
        response = client.get("/graphql/", HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        return BeautifulSoup(response.content, "html.parser")

    return get


@pytest.mark.parametrize(
    ("static_extra", "script"),
    [
        (True, "/static/graphene_django_graphiql_static/graphiql.min.js"),  # the graphiql extra
        (False, "https://cdn.jsdelivr.net/npm/graphiql@"),  # graphene-django's page, on the CDN
    ],
)
def test_graphiql_page_explains_itself_until_graphiql_starts(
    graphiql_page, monkeypatch, static_extra, script
):
    if not static_extra:
        installed = apps.is_installed
        monkeypatch.setattr(
            apps,
            "is_installed",
            lambda name: name != "graphene_django_graphiql_static" and installed(name),
        )
    page = graphiql_page()
    assert any(tag["src"].startswith(script) for tag in page.select("script[src]"))
    # GraphiQL renders into #editor, replacing the explanation; without its scripts it stays.
    [fallback] = page.select("#editor > .cms-blog-graphiql-fallback")
    assert fallback.h1.get_text() == "GraphQL endpoint"
    assert "Content-Type: application/json" in fallback.get_text()
    assert "has not started" in fallback.get_text()
    assert fallback.a["href"] == docs_url("graphql.md", "graphiql")
