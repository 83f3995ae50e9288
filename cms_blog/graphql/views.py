"""The GraphQL endpoint: graphene-django's view with every guard of the public API.

Refused before anything executes (and so before any SQL query): bodies over
``GRAPHQL_MAX_BODY_BYTES``, posts whose body is not JSON, batches, and documents breaking the
validation rules of ``limits.py``. Unexpected errors are logged and, unless ``DEBUG``, answered
with a generic message."""

import json
import logging
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import GraphQLError

from ..conf import blog_settings
from ..docs import docs_url
from .limits import validation_rules
from .preview import is_preview

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


def graphiql_enabled() -> bool:
    """GraphiQL is served when ``CMS_BLOG["GRAPHIQL"]`` says so, else only when DEBUG is on."""
    configured = blog_settings.GRAPHIQL
    return settings.DEBUG if configured is None else bool(configured)


@method_decorator(csrf_exempt, name="dispatch")
class BlogGraphQLView(GraphQLView):
    """Serves ``cms_blog.graphql.schema.schema`` (or the ``schema`` given to ``as_view``, for a
    host site's own schema) with the blog's limits, error masking and cache headers."""

    def __init__(self, schema=None, **kwargs) -> None:
        if schema is None:
            from .schema import schema
        super().__init__(schema=schema, **kwargs)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Django makes one view instance per request, and settings are read on every request.
        self.graphiql = graphiql_enabled()
        self.validation_rules = validation_rules()
        refusal = self.refuse(request)
        if refusal:
            return refusal
        response = super().dispatch(request, *args, **kwargs)
        if is_preview(request):
            patch_cache_control(response, private=True, no_store=True)
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
        return None

    @staticmethod
    def get_graphql_params(request: HttpRequest, data: dict) -> tuple:
        """The query, variables, operation name and id of a POST come from its JSON body alone.
        graphene-django prefers the URL's ``?query=`` even on a POST, which would let a request
        whose body is harmless run a mutation written in its URL."""
        if request.method == "POST":
            request = SimpleNamespace(GET=QueryDict())  # all graphene-django reads of the request
        query, variables, operation_name, query_id = GraphQLView.get_graphql_params(request, data)
        try:
            # JSON may escape half of a surrogate pair ("\ud800"), which no database can store.
            json.dumps(variables, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            message = _("The variables hold text that is not valid Unicode.")
            raise HttpError(HttpResponseBadRequest(message)) from None
        return query, variables, operation_name, query_id

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


def error_response(message: str, status: int) -> JsonResponse:
    return JsonResponse({"errors": [{"message": message}]}, status=status)
