"""Caching GraphQL answers: on the server (Django's cache, through ``TaggedCache``) and in HTTP.

An anonymous read - a query (not a mutation) from a reader who is not logged in, sends none of
the comment form's cookies and asks for no preview - is answered from Django's cache when the
same document (compared parsed and printed: whitespace and comments do not matter), variables
and operation were answered before for the same endpoint and host, and none of the answer's
tags changed since: no execution, no SQL query. The tags are collected while the answer is
computed (``loaders.py``); answers with errors are never stored, and none outlives the next
scheduled expiry of a post. A GET whose query string was answered before is answered before
anything is parsed or checked again (the same bytes passed every check then), except in the
allow-list mode, where the document must still be registered. ``CMS_BLOG["GRAPHQL_RESPONSE_CACHE"]
= False`` turns it off.

Shared over HTTP are clean answers to anonymous GETs without cookies (``cache/http.py``
``is_shareable``): ``Cache-Control: public`` with ``GRAPHQL_CACHE_MAX_AGE`` and
``GRAPHQL_CACHE_S_MAXAGE`` (both replaced by a document's own ``# @maxAge <seconds>``), an
``ETag``, and the tags in ``CACHE_TAG_HEADER``; every other answer is ``private`` (previews:
``private, no-store``). ``X-CMS-Blog-Cache`` says ``hit`` or ``miss`` for every read the
server cache considered.
"""

import hashlib
import json
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from graphql import DocumentNode, OperationType, get_operation_ast, print_ast

from ..cache.http import is_shareable, share
from ..cache.store import TaggedCache
from ..comments.cookies import is_personal
from ..conf import blog_settings
from ..preview import is_preview

CACHE_STATUS_HEADER = "X-CMS-Blog-Cache"
# Answers are invalidated by their tags: the timeout only lets those nobody asks for again go.
RESPONSE_TIMEOUT = 24 * 3600
MAX_AGE_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*@maxAge[ \t]+(\d+)[ \t]*$", re.M)

responses = TaggedCache("graphql")


@dataclass(frozen=True)
class Answer:
    """A clean answer (no error) as it is served and stored: its JSON (encoded: bytes are
    unpickled and served as they are), its cache tags, until when it may be shared (the next
    expiry's time, None for no limit), its ETag and its document's ``# @maxAge``, so that a hit
    reads nothing more, hashes nothing and parses nothing."""

    body: bytes
    tags: frozenset[str]
    shared_until: float | None
    etag: str
    max_age: int | None

    @classmethod
    def of(
        cls, body: str, tags: Iterable[str], lifetime: int | None, max_age: int | None
    ) -> "Answer":
        shared_until = None if lifetime is None else time.time() + lifetime
        encoded = body.encode()
        etag = quote_etag(hashlib.md5(encoded, usedforsecurity=False).hexdigest())
        return cls(encoded, frozenset(tags), shared_until, etag, max_age)

    def lifetime(self) -> int | None:
        """Seconds it may still be shared."""
        if self.shared_until is None:
            return None
        return max(0, math.floor(self.shared_until - time.time()))


def is_anonymous(request: HttpRequest) -> bool:
    """Whether nothing of the reader's own can be in the answer (previews are known only once
    executed: they are never stored, so never served from the cache)."""
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated) and not is_personal(request)


def exact_key(
    request: HttpRequest,
    query: str | None = None,
    variables: dict | None = None,
    operation: str | None = None,
) -> str | None:
    """The server cache's key of a read exactly as sent, None when the cache keeps nothing for
    this reader: a GET's query string (so its answer is found before anything is parsed: the
    same bytes passed every check when they were answered), a POST's document, variables and
    operation (looked up before the document is parsed)."""
    if not blog_settings.GRAPHQL_RESPONSE_CACHE or not is_anonymous(request):
        return None
    if request.method == "GET":
        return _key(request, "query string", request.META.get("QUERY_STRING", ""))
    return _key(request, "text", query, variables or {}, operation)


def printed_key(
    request: HttpRequest, document: DocumentNode, variables: dict | None, operation: str | None
) -> str | None:
    """The key of a parsed document's printed form (the same document written otherwise), for a
    read ``exact_key`` gave a key to; None for a mutation or a document naming no runnable
    operation. An answer is stored under both keys; only a query's is ever stored."""
    operation_ast = get_operation_ast(document, operation)
    if operation_ast is None or operation_ast.operation != OperationType.QUERY:
        return None
    return _key(request, "printed", print_ast(document), variables or {}, operation)


def _key(request: HttpRequest, *parts: object) -> str:
    # The endpoint (a host site may serve its own schema elsewhere) and the host (the Wagtail
    # Site, and the absolute URLs) decide the answer too.
    where = [request.path, request.scheme, request.get_host(), request.get_port()]
    return hashlib.sha256(json.dumps([*parts, *where], sort_keys=True).encode()).hexdigest()


def store_answer(key: str, answer: Answer, *, started_at: float, lifetime: int | None) -> None:
    timeout = RESPONSE_TIMEOUT if lifetime is None else min(RESPONSE_TIMEOUT, lifetime)
    responses.set(key, answer, answer.tags, started_at=started_at, timeout=timeout)


def document_max_age(document: str) -> int | None:
    """The seconds a document's ``# @maxAge <seconds>`` comment gives, if it has one."""
    found = MAX_AGE_DIRECTIVE.search(document)
    return int(found.group(1)) if found else None


def cache_headers(
    request: HttpRequest, response: HttpResponse, answer: Answer | None
) -> HttpResponse:
    """``response`` with its HTTP caching headers (a 304 instead when the reader has it)."""
    if is_preview(request):
        patch_cache_control(response, private=True, no_store=True)
        return response
    if answer is None or not is_shareable(request, response):
        patch_cache_control(response, private=True)
        return response
    max_age = answer.max_age
    return share(
        request,
        response,
        answer.tags,
        max_age=blog_settings.GRAPHQL_CACHE_MAX_AGE if max_age is None else max_age,
        s_maxage=blog_settings.GRAPHQL_CACHE_S_MAXAGE if max_age is None else max_age,
        lifetime=answer.lifetime(),
        # GraphiQL is served at the same URL to browsers asking for HTML.
        vary=["Accept", "Cookie"],
        etag=answer.etag,
    )
