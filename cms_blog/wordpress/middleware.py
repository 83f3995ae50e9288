"""WordPress shortlinks (``/?p=123``) redirected to the imported posts.

Wagtail's ``RedirectMiddleware`` looks for a redirect only when a page answered 404, and ``/`` is
served by the home page: a ``/?p=123`` redirect made by the importer would never be followed. This
middleware follows it first, for requests whose query string is WordPress's ``p=ID`` (one query
for those, none for any other request)."""

import re
from collections.abc import Callable

from django.apps import apps
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

SHORTLINK = re.compile(r"p=\d{1,20}")


class WordPressShortlinkMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if (
            request.method in ("GET", "HEAD")
            and SHORTLINK.fullmatch(query)
            and apps.is_installed("wagtail.contrib.redirects")
        ):
            from wagtail.contrib.redirects.middleware import get_redirect
            from wagtail.contrib.redirects.models import Redirect

            path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
            redirect = get_redirect(request, path)
            if redirect is not None and redirect.link:
                return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)
