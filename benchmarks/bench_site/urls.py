"""The benchmark's URLconf: the demo's, the floor view and, when installed, grapple's endpoint."""

from demo.urls import urlpatterns as demo_urlpatterns
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

# The bytes each floor view answers, by name: set by the benchmark from the API's own answers.
FLOOR_BODIES: dict[str, bytes] = {}


def floor(request: HttpRequest, name: str) -> HttpResponse:
    """The least any view can do: the same bytes through the same middleware, nothing computed."""
    return HttpResponse(FLOOR_BODIES[name], content_type="application/json")


urlpatterns = [path("bench-floor/<str:name>/", floor)]

if settings.GRAPPLE_INSTALLED:
    from graphene_django.views import GraphQLView
    from grapple.schema import schema as grapple_schema

    urlpatterns.append(path("grapple/", csrf_exempt(GraphQLView.as_view(schema=grapple_schema))))

urlpatterns += demo_urlpatterns
