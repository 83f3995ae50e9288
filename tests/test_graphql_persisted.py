"""Persisted queries: Apollo's Automatic Persisted Queries over POST and GET, the allow-list
mode with documents shipped as files or registered by the management command, and a
document's own max-age."""

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from graphql import parse, print_ast

from cms_blog.cache import store
from cms_blog.graphql.persisted import shipped_documents
from cms_blog.models import PersistedQuery
from tests.graphql_support import CACHE_STATUS, ENDPOINT

DOCUMENT = "query Tags { tags { name } }"
SHIPPED = """# @maxAge 60
query ShippedTags {
  tags { name postCount }
}
"""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def extensions(document: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(document)}}


def post(client, body: dict):
    return client.post(ENDPOINT, body, content_type="application/json")


def get(client, **params):
    encoded = {name: json.dumps(value) for name, value in params.items()}
    return client.get(ENDPOINT, encoded, HTTP_ACCEPT="application/json")


def get_query(client, document: str):
    return client.get(ENDPOINT, {"query": document}, HTTP_ACCEPT="application/json")


def code_of(response) -> str | None:
    return response.json()["errors"][0].get("extensions", {}).get("code")


pytestmark = pytest.mark.usefixtures("same_clock")


@pytest.fixture
def documents_dir(db, tmp_path, settings):
    """A directory of shipped documents, configured."""
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "tags.graphql").write_text(SHIPPED)
    (tmp_path / "broken.graphql").write_text("query {")
    settings.CMS_BLOG = {"GRAPHQL_PERSISTED_QUERIES_DIRS": [str(tmp_path)]}
    shipped_documents.cache_clear()
    yield tmp_path
    shipped_documents.cache_clear()


@pytest.fixture
def allow_list(settings, documents_dir):
    settings.CMS_BLOG = {**settings.CMS_BLOG, "GRAPHQL_PERSISTED_QUERIES": "allow-list"}


def test_an_unknown_hash_is_not_found_then_registered_with_its_document(client, make_post):
    make_post("Tagged", tags=["congress"])

    missing = post(client, {"extensions": extensions(DOCUMENT)})
    assert missing.status_code == 200
    assert code_of(missing) == "PERSISTED_QUERY_NOT_FOUND"
    assert missing.json()["errors"][0]["message"] == "PersistedQueryNotFound"

    registered = post(client, {"query": DOCUMENT, "extensions": extensions(DOCUMENT)})
    assert registered.json() == {"data": {"tags": [{"name": "congress"}]}}

    by_hash = get(client, extensions=extensions(DOCUMENT))
    assert by_hash.status_code == 200
    assert by_hash.json() == registered.json()
    assert "public" in by_hash["Cache-Control"]
    assert by_hash[CACHE_STATUS] == "hit"


def test_a_hash_that_is_not_the_documents_is_refused(client, db):
    response = post(client, {"query": DOCUMENT, "extensions": extensions("{ other }")})

    assert response.status_code == 400
    assert "not the SHA-256 of the query" in response.json()["errors"][0]["message"]
    assert code_of(post(client, {"extensions": extensions("{ other }")})) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


@pytest.mark.parametrize(
    "persisted",
    [
        {"version": 2, "sha256Hash": "0" * 64},
        {"version": 1, "sha256Hash": "not a hash"},
        "a string",
    ],
)
def test_a_malformed_extension_is_a_400(client, db, persisted):
    response = post(client, {"extensions": {"persistedQuery": persisted}})

    assert response.status_code == 400
    assert "persistedQuery" in response.json()["errors"][0]["message"]


def test_get_extensions_must_be_a_json_object(client, db):
    response = client.get(ENDPOINT, {"extensions": "[1"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "The extensions are not valid JSON."


def test_a_document_that_fails_is_not_registered(client, db):
    broken = "{ nothing }"
    post(client, {"query": broken, "extensions": extensions(broken)})

    assert code_of(post(client, {"extensions": extensions(broken)})) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


def test_off_mode_answers_not_supported_and_runs_documents_sent_in_full(client, settings, db):
    settings.CMS_BLOG = {"GRAPHQL_PERSISTED_QUERIES": "off"}

    assert code_of(post(client, {"extensions": extensions(DOCUMENT)})) == (
        "PERSISTED_QUERY_NOT_SUPPORTED"
    )
    full = post(client, {"query": DOCUMENT, "extensions": extensions(DOCUMENT)})
    assert full.json() == {"data": {"tags": []}}


def test_shipped_files_run_by_the_hash_of_their_text_or_of_their_printed_form(
    client, documents_dir
):
    printed = print_ast(parse(SHIPPED))
    for text in (SHIPPED, printed):
        response = get(client, extensions=extensions(text))
        assert response.json() == {"data": {"tags": []}}, text


def test_a_documents_max_age_directive_sets_its_http_lifetime(client, documents_dir):
    response = get(client, extensions=extensions(SHIPPED))

    assert {part.strip() for part in response["Cache-Control"].split(",")} == {
        "public",
        "max-age=60",
        "s-maxage=60",
    }


def test_allow_list_mode_runs_registered_documents_only(client, allow_list):
    assert post(client, {"query": SHIPPED}).json() == {"data": {"tags": []}}
    assert get(client, extensions=extensions(SHIPPED)).status_code == 200

    refused = post(client, {"query": DOCUMENT})
    assert refused.status_code == 403
    assert code_of(refused) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert "register_graphql_documents" in refused.json()["errors"][0]["message"]


def test_an_answer_cached_in_allow_list_mode_is_refused_once_its_document_is_not_shipped(
    client, allow_list, documents_dir
):
    first, second = (get_query(client, SHIPPED) for _ in range(2))
    assert (first.status_code, second[CACHE_STATUS]) == (200, "hit")

    (documents_dir / "nested" / "tags.graphql").unlink()
    shipped_documents.cache_clear()

    assert get_query(client, SHIPPED).status_code == 403


def test_allow_list_mode_registers_nothing_clients_send(client, settings, allow_list):
    with_document = post(client, {"query": DOCUMENT, "extensions": extensions(DOCUMENT)})
    assert with_document.status_code == 403

    assert code_of(post(client, {"extensions": extensions(DOCUMENT)})) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


def test_documents_registered_by_a_client_do_not_run_in_allow_list_mode(
    client, settings, documents_dir
):
    post(client, {"query": DOCUMENT, "extensions": extensions(DOCUMENT)})
    settings.CMS_BLOG = {**settings.CMS_BLOG, "GRAPHQL_PERSISTED_QUERIES": "allow-list"}

    assert code_of(post(client, {"extensions": extensions(DOCUMENT)})) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


def test_the_management_command_registers_documents_for_every_server(
    client, allow_list, tmp_path, django_assert_num_queries
):
    path = tmp_path / "registered" / "tags.graphql"
    path.parent.mkdir()
    path.write_text(DOCUMENT)
    out = io.StringIO()

    call_command("register_graphql_documents", str(path.parent), stdout=out)

    assert sha256(DOCUMENT) in out.getvalue()
    assert PersistedQuery.objects.filter(sha256=sha256(DOCUMENT), document=DOCUMENT).exists()
    store.backend().clear()  # another server: its cache knows nothing yet
    assert post(client, {"query": DOCUMENT}).json() == {"data": {"tags": []}}
    by_hash = get(client, extensions=extensions(DOCUMENT))
    assert by_hash.status_code == 200
    with django_assert_num_queries(0):  # the document, and the answer, from the cache
        assert get(client, extensions=extensions(DOCUMENT)).status_code == 200


@pytest.mark.parametrize(
    ("text", "error"),
    [("query {", "Syntax Error"), ("{ nothing }", "Cannot query field 'nothing'")],
)
def test_the_management_command_refuses_documents_that_do_not_validate(db, tmp_path, text, error):
    path = tmp_path / "bad.graphql"
    path.write_text(text)

    with pytest.raises(CommandError, match=error):
        call_command("register_graphql_documents", str(path), stdout=io.StringIO())
    assert not PersistedQuery.objects.exists()
