"""The GraphQL endpoint: graphene-django's view with every guard of the public API.

Refused before anything executes (and so before any SQL query), cheapest check first: bodies over
``GRAPHQL_MAX_BODY_BYTES``, query strings and bodies that are not UTF-8, posts whose body is not
a JSON object, members of the wrong JSON type, variables breaking the bounds of ``limits.py``,
documents over ``GRAPHQL_MAX_TOKENS`` tokens, then documents breaking the blog's validation rules
and, last, the spec's. Answers over ``GRAPHQL_MAX_RESPONSE_BYTES`` are refused too. A database or
cache outage is HTTP 503 with ``Retry-After``; other unexpected errors are logged and, unless
``DEBUG``, answered with a generic message. docs/production.md lists the errors clients see.

Queries run over GET too (mutations only over POST: a GET of one is a 405), and by hash
(``persisted.py``). Anonymous reads are answered from the server's cache and shared over HTTP
(``caching.py``)."""

import contextlib
import json
import logging
from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import unquote_to_bytes

from django.apps import apps
from django.conf import settings
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import DocumentNode, ExecutionResult, GraphQLError, parse, validate

from ..cache.http import shared_lifetime
from ..cache.store import now
from ..conf import blog_settings
from ..docs import docs_url
from ..faults import (
    SERVICE_UNAVAILABLE,
    mark_unavailable,
    report,
    service_fault,
    unavailable_message,
)
from ..preview import is_preview
from . import persisted
from .caching import (
    CACHE_STATUS_HEADER,
    Answer,
    cache_headers,
    document_max_age,
    exact_key,
    printed_key,
    responses,
    store_answer,
)
from .execution import SynchronousExecutionContext
from .limits import cheap_rules, validation_rules, variables_error
from .loaders import recorded_tags

logger = logging.getLogger("cms_blog.graphql")

# What keeps the endpoint safe from cross-site request forgery without a CSRF token: a browser
# sends a cross-site POST without a CORS preflight only when it is a form's content type
# (form-urlencoded, multipart, text/plain) or has none at all, so a POST is run only when it is
# JSON, which needs the preflight the blog does not grant. graphene-django's application/graphql
# would need one too, but carries no variables, and graphql.org no longer recommends it: one
# format is one path to guard.
POST_CONTENT_TYPE = "application/json"
# Both GraphiQL pages render GraphiQL into this element, which is empty until then.
GRAPHIQL_ROOT = b'<div id="editor">'

# The JSON type each member of a request may have; null stands for a missing member. graphene-django
# also takes variables as a string of JSON, as a GET's query string carries them.
MEMBER_TYPES = {
    "query": (str,),
    "variables": (dict, str),
    "operationName": (str,),
    "extensions": (dict,),
}


def graphiql_enabled() -> bool:
    """GraphiQL is served when ``CMS_BLOG["GRAPHQL_GRAPHIQL"]`` says so, else only with DEBUG."""
    configured = blog_settings.GRAPHQL_GRAPHIQL
    return settings.DEBUG if configured is None else bool(configured)


class BlogGraphQLView(GraphQLView):
    """Serves ``cms_blog.graphql.schema.schema`` (or the ``schema`` given to ``as_view``, for a
    host site's own schema) with the blog's limits, error masking and cache headers."""

    execution_context_class = SynchronousExecutionContext

    def __init__(self, schema=None, **kwargs) -> None:
        if schema is None:
            from .schema import schema
        super().__init__(schema=schema, **kwargs)

    @classmethod
    def as_view(cls, **initkwargs) -> Callable[..., HttpResponse]:
        """The view, exempt from CSRF checks (it runs only JSON POSTs: ``POST_CONTENT_TYPE``)
        once, rather than through a decorator of every request's ``dispatch``."""
        return csrf_exempt(super().as_view(**initkwargs))

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Django makes one view instance per request, and settings are read on every request.
        self.graphiql = graphiql_enabled()
        self.validation_rules = validation_rules()
        # What get_response learns for the caching headers.
        self.answer: Answer | None = None
        self.cache_status: str | None = None
        self.clean = False
        self.parsed: tuple[str, DocumentNode | GraphQLError] | None = None
        # The response cache's key of the read as sent, once looked up.
        self.exact_key: str | None = None
        # The response cache's keys of a read it may keep, and when that read's work began.
        self.keys: list[str] = []  # the server cache keys to store the answer under
        self.started_at = 0.0
        self.lifetime: int | None = None
        if self.answers_before_checking(request):
            self.exact_key = exact_key(request)
            self.answer = responses.get(self.exact_key) if self.exact_key else None
            if self.answer is not None:
                self.cache_status = "hit"
                response = HttpResponse(self.answer.body, content_type="application/json")
                return self.with_cache_headers(request, response)
        refusal = self.refuse(request)
        if refusal:
            return refusal
        try:
            # graphene-django's dispatch is wrapped in ensure_csrf_cookie (for its GraphiQL),
            # which hands every answer a cookie and so makes none shareable. The endpoint needs
            # no token: it runs only JSON POSTs (POST_CONTENT_TYPE).
            response = GraphQLView.dispatch.__wrapped__(self, request, *args, **kwargs)
        except Exception as error:
            fault = service_fault(error)
            if fault is None:
                raise
            report(request, fault)
            # Its own Cache-Control: no-store.
            return mark_unavailable(
                error_response(unavailable_message(), 503, code=SERVICE_UNAVAILABLE)
            )
        return self.with_cache_headers(request, response)

    def answers_before_checking(self, request: HttpRequest) -> bool:
        """Whether a GET is looked up in the server cache by its query string before anything
        is parsed or checked: not when GraphiQL is what it asks for, nor in the allow-list mode
        (the document must still be registered)."""
        return (
            request.method == "GET"
            and blog_settings.GRAPHQL_PERSISTED_QUERIES != persisted.ALLOW_LIST
            and not (self.graphiql and self.can_display_graphiql(request, {}))
        )

    def with_cache_headers(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = cache_headers(request, response, self.answer)
        if self.cache_status:
            response[CACHE_STATUS_HEADER] = self.cache_status
        return response

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        """An error response for requests refused before parsing, else None."""
        limit = blog_settings.GRAPHQL_MAX_BODY_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        # The declared length is checked before reading; the body itself in case it lied.
        too_big = (
            declared > limit
            or len(request.META.get("QUERY_STRING", "")) > limit
            or (request.method == "POST" and len(request.body) > limit)
        )
        if too_big:
            return error_response(
                _("The request is larger than %(limit)s bytes.") % {"limit": limit}, 413
            )
        if request.method == "POST" and self.get_content_type(request) != POST_CONTENT_TYPE:
            return error_response(
                _("Send the query as a JSON body, with Content-Type: application/json."), 415
            )
        try:
            # Django would read invalid UTF-8 with replacement characters.
            unquote_to_bytes(get_bytes_from_wsgi(request.META, "QUERY_STRING", "")).decode()
        except UnicodeDecodeError:
            return error_response(_("The query string is not valid UTF-8."), 400)
        return None

    def parse_body(self, request: HttpRequest) -> dict:
        """The JSON object of a POST (``refuse`` let only JSON through); a GET has no body."""
        if request.method != "POST":
            return {}
        try:
            data = json.loads(request.body.decode())
        except UnicodeDecodeError:
            message = _("The body is not valid UTF-8.")
        except RecursionError:
            message = _("The JSON body is nested too deeply.")
        except ValueError:
            message = _("The body is not valid JSON.")
        else:
            if isinstance(data, dict):
                return data
            # A list would be a batch, which the endpoint does not run.
            message = _("The JSON body must be an object with a query.")
        raise HttpError(HttpResponseBadRequest(message))

    @staticmethod
    def get_graphql_params(request: HttpRequest, data: dict) -> tuple:
        """The query, variables, operation name and id of a POST come from its JSON body alone.
        graphene-django prefers the URL's ``?query=`` even on a POST, which would let a request
        whose body is harmless run a mutation written in its URL."""
        if request.method == "POST":
            request = SimpleNamespace(GET=QueryDict())  # all graphene-django reads of the request
        for member, types in MEMBER_TYPES.items():
            if data.get(member) is not None and not isinstance(data[member], types):
                message = _("The member %(member)s must be %(type)s or null.") % {
                    "member": member,
                    "type": _("an object") if types[0] is dict else _("a string"),
                }
                raise HttpError(HttpResponseBadRequest(message))
        query, variables, operation_name, query_id = GraphQLView.get_graphql_params(request, data)
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(HttpResponseBadRequest(_("The variables must be a JSON object.")))
        refusal = variables_error(variables)
        if refusal:
            raise HttpError(HttpResponseBadRequest(refusal))
        try:
            # JSON may escape half of a surrogate pair ("\ud800"), which no database can store.
            json.dumps(variables, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            message = _("The variables hold text that is not valid Unicode.")
            raise HttpError(HttpResponseBadRequest(message)) from None
        return query, variables, operation_name, query_id

    def execute_graphql_request(
        self, request: HttpRequest, data: dict, query, variables, operation_name, *args
    ) -> ExecutionResult | None:
        """graphene-django parses without a token limit and runs every validation rule in one
        pass; this refuses what the cheap checks refuse before graphene-django does its part.
        A document that passes is parsed again there: parsing is linear, validation may not be.
        Then a service fault met anywhere in the execution fails the whole request, for
        ``dispatch`` to answer 503."""
        if query:  # graphene-django answers a missing query
            try:
                document = self.parse(query)
            except GraphQLError as error:
                return ExecutionResult(errors=[error])
            errors = validate(self.schema.graphql_schema, document, cheap_rules())
            if errors:
                return ExecutionResult(errors=errors)
        result = super().execute_graphql_request(
            request, data, query, variables, operation_name, *args
        )
        for error in (result.errors if result else None) or ():
            fault = service_fault(getattr(error, "original_error", None) or error)
            if fault is not None:
                raise fault
        self.clean = result is not None and not result.errors
        return result

    def get_context(self, request: HttpRequest) -> HttpRequest:
        """graphene-django asks for the context once the document passed every check, right
        before executing it: where the work of an answer the response cache keeps begins (so a
        refused document still runs no SQL query)."""
        if self.keys:
            self.lifetime = shared_lifetime()
            self.started_at = now()
        return super().get_context(request)

    def parse(self, query: str) -> DocumentNode:
        """The document, within ``GRAPHQL_MAX_TOKENS``, parsed once per request (a syntax error
        too: raised again, not parsed again)."""
        if self.parsed is None or self.parsed[0] != query:
            try:
                parsed = parse(query, max_tokens=blog_settings.GRAPHQL_MAX_TOKENS)
            except GraphQLError as error:
                parsed = error
            self.parsed = (query, parsed)
        if isinstance(self.parsed[1], GraphQLError):
            raise self.parsed[1]
        return self.parsed[1]

    def get_response(self, request: HttpRequest, data: dict, show_graphiql: bool = False):
        """The answer: the persisted document resolved, from the server's cache when it has it,
        else executed (and then stored, and the document registered)."""
        query, variables, operation_name, _id = self.get_graphql_params(request, data)
        try:
            query, register_as = persisted.resolve(query, self.extensions(request, data))
        except persisted.PersistedQueryError as error:
            return json.dumps(error.as_json()), error.status
        exact = self.exact_key  # a GET's, looked up by dispatch already
        if query:
            data = {**data, "query": query}
            if exact is None:
                exact = exact_key(request, query, variables, operation_name)
                self.answer = responses.get(exact) if exact else None
        if query and exact and self.answer is None:
            printed = None
            # A document that does not parse is answered by the execution.
            with contextlib.suppress(GraphQLError):
                printed = printed_key(request, self.parse(query), variables, operation_name)
            self.answer = responses.get(printed) if printed else None
            if printed and self.answer is None:
                self.keys = [exact, printed]
                self.cache_status = "miss"
        if self.answer is not None:
            self.cache_status = "hit"
            return self.answer.body, 200
        result, status = super().get_response(request, data, show_graphiql)
        limit = blog_settings.GRAPHQL_MAX_RESPONSE_BYTES
        # json.dumps escapes every non-ASCII character: the length is the size in bytes.
        if result is not None and len(result) > limit:
            message = _(
                "The answer is larger than %(limit)s bytes: ask for fewer items or fields."
            ) % {"limit": limit}
            result = json.dumps({"errors": [{"message": message}]})
            status = 400
        if status == 200 and register_as:
            persisted.register_from_client(register_as, query)
        if status == 200 and self.clean:
            # Read before the work began when the server cache keeps the answer (``get_context``);
            # needed at all only by a GET, the one answer shared over HTTP.
            lifetime = self.lifetime if self.keys or request.method != "GET" else shared_lifetime()
            self.answer = Answer.of(
                result, recorded_tags(request), lifetime, document_max_age(query)
            )
            if self.keys and self.started_at and not is_preview(request):
                for key in self.keys:
                    store_answer(
                        key, self.answer, started_at=self.started_at, lifetime=self.lifetime
                    )
        return result, status

    @staticmethod
    def extensions(request: HttpRequest, data: dict) -> dict | None:
        """The request's ``extensions``: a POST's member (``get_graphql_params`` checked its
        type), a GET's ``?extensions=`` of JSON."""
        if request.method == "POST":
            return data.get("extensions")
        raw = request.GET.get("extensions")
        if not raw:
            return None
        try:
            extensions = json.loads(raw)
        except (ValueError, RecursionError):
            raise HttpError(
                HttpResponseBadRequest(_("The extensions are not valid JSON."))
            ) from None
        if not isinstance(extensions, dict):
            raise HttpError(HttpResponseBadRequest(_("The extensions must be a JSON object.")))
        return extensions

    def render_graphiql(self, request: HttpRequest, **data) -> HttpResponse:
        """GraphiQL from the site's own static files when graphene-django-graphiql-static is
        installed (the ``graphiql`` extra), else graphene-django's page, which loads it from a
        CDN; either way with the blog's explanation in GraphiQL's place, which GraphiQL replaces
        when it starts and which stays when its scripts cannot load."""
        if apps.is_installed("graphene_django_graphiql_static"):
            from graphene_django_graphiql_static.views import GraphiQLOfflineView

            # Its page loads the same libraries; the integrity hashes must be those of its copies.
            hashes = {
                name: getattr(GraphiQLOfflineView, name) for name in data if name.endswith("_sri")
            }
            response = render(request, GraphiQLOfflineView.graphiql_template, {**data, **hashes})
        else:
            response = super().render_graphiql(request, **data)
        fallback = render_to_string(
            "cms_blog/graphiql_fallback.html",
            {"docs_url": docs_url("graphql.md", "graphiql")},
            request=request,
        )
        response.content = response.content.replace(
            GRAPHIQL_ROOT + b"</div>", GRAPHIQL_ROOT + fallback.encode() + b"</div>", 1
        )
        return response

    @staticmethod
    def format_error(error: Exception) -> dict:
        """Errors the API raises on purpose keep their message; anything else is logged with its
        traceback and, unless DEBUG, reaches the client only as "Internal server error"."""
        original = error.original_error if isinstance(error, GraphQLError) else error
        if original is None or isinstance(original, GraphQLError | HttpError):
            return GraphQLView.format_error(error)
        logger.error("GraphQL request failed: %s", original, exc_info=original)
        formatted = GraphQLView.format_error(error)
        if not settings.DEBUG:
            formatted["message"] = _("Internal server error.")
        return formatted


def error_response(message: str, status: int, code: str | None = None) -> JsonResponse:
    error = {"message": message}
    if code:
        error["extensions"] = {"code": code}
    return JsonResponse({"errors": [error]}, status=status)
