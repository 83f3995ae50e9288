"""What the blog answers while PostgreSQL or the cache is down: HTTP 503 with ``Retry-After``,
never a 500, so a client (or a CDN) can tell "retry later" from "broken".

Sites add the middleware, after Django's ``SecurityMiddleware``::

    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "cms_blog.faults.ServiceUnavailableMiddleware",
        ...
    ]

It answers for the blog's pages, feeds and every other view of the site; the GraphQL endpoint
answers for itself, with a JSON error whose ``extensions.code`` is ``SERVICE_UNAVAILABLE``
(docs/production.md)."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist, loader
from django.utils.translation import gettext as _

from .conf import blog_settings

logger = logging.getLogger("cms_blog.faults")

# A database that cannot be reached, or a connection that died under a query. Other database
# errors (a bad query, a violated constraint) are bugs and stay 500s.
SERVICE_FAULTS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # a site without Redis
    pass
else:
    SERVICE_FAULTS += (RedisConnectionError, RedisTimeoutError)

# The code GraphQL clients act on, in each error's extensions.
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


def service_fault(error: BaseException | None) -> BaseException | None:
    """The fault behind an error, following what it was raised from (django-redis raises its own
    ``ConnectionInterrupted`` from the redis error), else None."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, SERVICE_FAULTS):
            return error
        seen.add(id(error))
        error = error.__cause__
    return None


def unavailable_message() -> str:
    return _("The site is briefly unavailable. Please try again in a moment.")


def report(request: HttpRequest, fault: BaseException) -> None:
    """One log line per refused request, without a traceback: the fault is the service's."""
    logger.error(
        "Service unavailable for %s %s: %s: %s",
        request.method,
        request.path,
        type(fault).__name__,
        fault,
    )


def mark_unavailable(response: HttpResponse) -> HttpResponse:
    response.status_code = 503
    response["Retry-After"] = str(blog_settings.RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def unavailable_page(request: HttpRequest) -> HttpResponse:
    """The site's ``503.html``, rendered without the request (its context processors would reach
    the database that is down), or a line of text."""
    try:
        content = loader.render_to_string("503.html")
    except TemplateDoesNotExist:
        return mark_unavailable(HttpResponse(unavailable_message(), content_type="text/plain"))
    return mark_unavailable(HttpResponse(content))


class ServiceUnavailableMiddleware:
    """Answers 503 with ``Retry-After`` when a view fails because the database or the cache is
    unreachable; every other exception is left to Django."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        fault = service_fault(exception)
        if fault is None:
            return None
        report(request, fault)
        return unavailable_page(request)
