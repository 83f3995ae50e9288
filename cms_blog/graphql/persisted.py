"""Persisted queries: Apollo's Automatic Persisted Queries protocol, and an allow-list mode.

A client sends ``extensions: {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}``, over
GET (what lets a CDN cache the answer: the URL is short and the same for every reader) or POST:

- the hash alone: the document registered under it runs; an unknown hash is answered with the
  ``PersistedQueryNotFound`` error (HTTP 200, ``extensions.code`` ``PERSISTED_QUERY_NOT_FOUND``),
  and the client sends the hash again with the document;
- the hash and the document: the hash must be the document's SHA-256 (else a 400); once the
  document ran, it is registered under it in Django's cache.

``CMS_BLOG["GRAPHQL_PERSISTED_QUERIES"]`` picks the mode:

- ``"apq"`` (the default): any document runs, and any client may register one;
- ``"allow-list"``: only registered documents run, whether sent by hash or in full (anything else
  is a 403), and clients register nothing: the documents are ``.graphql`` files in
  ``GRAPHQL_PERSISTED_QUERIES_DIRS``, shipped with the site, and those stored by
  ``manage.py register_graphql_documents`` (``PersistedQuery``);
- ``"off"``: a hash alone is answered ``PersistedQueryNotSupported``, and Apollo's link sends
  documents in full from then on.

A registered document is known by the SHA-256 of its text and of its printed form (graphql-core's
``print_ast``, which prints as graphql-js does): Apollo's link hashes the document it prints, so a
shipped file matches whether or not it was written the way graphql-js prints it.
"""

import functools
import hashlib
import logging
import re
from pathlib import Path

from django.utils.translation import gettext as _
from graphql import GraphQLError, parse, print_ast

from ..cache import store
from ..conf import blog_settings

logger = logging.getLogger(__name__)

APQ, ALLOW_LIST, OFF = "apq", "allow-list", "off"
MODES = (APQ, ALLOW_LIST, OFF)
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# How long a document a client registered stays in Django's cache (it registers it again when
# it is gone).
REGISTERED_TIMEOUT = 7 * 24 * 3600


class PersistedQueryError(Exception):
    """A request the persisted-query protocol answers with an error, before anything runs."""

    def __init__(self, message: str, status: int, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    def as_json(self) -> dict:
        error: dict = {"message": str(self)}
        if self.code:
            error["extensions"] = {"code": self.code}
        return {"errors": [error]}


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def hashes(document: str) -> set[str]:
    """The hashes a registered document is known by: of its text and of its printed form."""
    return {sha256(document), sha256(print_ast(parse(document)))}


def resolve(query: str | None, extensions: dict | None) -> tuple[str | None, str | None]:
    """The document to run for a request's ``query`` and ``extensions``, and the hash to register
    it under once it ran (None: nothing to register). Raises ``PersistedQueryError``."""
    mode = blog_settings.GRAPHQL_PERSISTED_QUERIES
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        if mode == ALLOW_LIST and query and registered(sha256(query)) is None:
            raise not_allowed()
        return query, None
    if mode == OFF:
        if query:
            return query, None
        raise PersistedQueryError("PersistedQueryNotSupported", 200, NOT_SUPPORTED)
    digest = requested_hash(persisted)
    if not query:
        document = registered(digest)
        if document is None:
            raise PersistedQueryError("PersistedQueryNotFound", 200, NOT_FOUND)
        return document, None
    if sha256(query) != digest:
        raise PersistedQueryError(
            _("The persistedQuery sha256Hash is not the SHA-256 of the query sent with it."), 400
        )
    if mode == ALLOW_LIST:
        if registered(digest) is None:
            raise not_allowed()
        return query, None
    return query, digest


def requested_hash(persisted: object) -> str:
    """The hash of a well-formed ``persistedQuery`` extension."""
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryError(
            _('The persistedQuery extension must be {"version": 1, "sha256Hash": "…"}.'), 400
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not SHA256.match(digest):
        raise PersistedQueryError(
            _("The persistedQuery sha256Hash must be 64 lowercase hexadecimal digits."), 400
        )
    return digest


def not_allowed() -> PersistedQueryError:
    return PersistedQueryError(
        _(
            "This endpoint runs registered documents only (allow-list mode): ship the document "
            "in GRAPHQL_PERSISTED_QUERIES_DIRS or register it with manage.py "
            "register_graphql_documents."
        ),
        403,
        NOT_ALLOWED,
    )


def _cache_key(digest: str) -> str:
    return f"{store.PREFIX}:persisted:{digest}"


def registered(digest: str) -> str | None:
    """The document registered under ``digest``: shipped as a file, registered by a client (in
    Django's cache; ignored in allow-list mode) or by the management command (read once, then
    kept in Django's cache)."""
    document = shipped_documents(tuple(blog_settings.GRAPHQL_PERSISTED_QUERIES_DIRS)).get(digest)
    if document is not None:
        return document
    try:
        cached = store.backend().get(_cache_key(digest))
    except Exception:
        logger.exception("cms_blog: the persisted queries could not be read from the cache")
        cached = None
    if cached is not None:
        stored, by_client = cached
        if not (by_client and blog_settings.GRAPHQL_PERSISTED_QUERIES == ALLOW_LIST):
            return stored
    from ..models import PersistedQuery

    document = (
        PersistedQuery.objects.filter(sha256=digest).values_list("document", flat=True).first()
    )
    if document is not None:
        _remember(digest, document, by_client=False, timeout=None)
    return document


def register_from_client(digest: str, document: str) -> None:
    """Register a document a client sent with its (verified) hash, once it ran."""
    _remember(digest, document, by_client=True, timeout=REGISTERED_TIMEOUT)


def _remember(digest: str, document: str, *, by_client: bool, timeout: int | None) -> None:
    try:
        store.backend().set(_cache_key(digest), (document, by_client), timeout=timeout)
    except Exception:
        logger.exception("cms_blog: a persisted query could not be cached")


def register_durably(document: str) -> list[str]:
    """Store a document for every server (``PersistedQuery``) under its hashes, returned.
    Raises ``GraphQLError`` for a document that does not parse."""
    from ..models import PersistedQuery

    digests = sorted(hashes(document))
    for digest in digests:
        PersistedQuery.objects.update_or_create(sha256=digest, defaults={"document": document})
        _remember(digest, document, by_client=False, timeout=None)
    return digests


@functools.cache
def shipped_documents(directories: tuple[str, ...]) -> dict[str, str]:
    """The ``.graphql`` files under ``directories`` (read once per process: they ship with the
    site), by hash. A file that does not parse is logged and left out."""
    documents = {}
    for directory in directories:
        for path in sorted(Path(directory).rglob("*.graphql")):
            text = path.read_text(encoding="utf-8")
            try:
                documents.update(dict.fromkeys(hashes(text), text))
            except GraphQLError as error:
                logger.error("cms_blog: %s is not a GraphQL document: %s", path, error.message)
    return documents
