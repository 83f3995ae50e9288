"""Settings of the GraphQL benchmark (benchmarks/graphql_api.py): the demo's, with the
benchmark's URLconf (the floor view, grapple's endpoint) and, when wagtail-grapple is installed
(the ``bench`` extra), grapple and the app that declares its fields on the blog's models."""

import importlib.util
import secrets

from demo.settings import *  # noqa: F403

# As in production: with DEBUG on, graphene-django records every resolver call (its debug
# middleware), and Django every SQL query. A throwaway key for the throwaway database.
DEBUG = False
SECRET_KEY = secrets.token_urlsafe(50)

ROOT_URLCONF = "benchmarks.bench_site.urls"
# The local-memory cache; the Redis column swaps it for REDIS_URL's (override_settings).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every benchmark comment comes from one address within seconds.
CMS_BLOG = {"COMMENTS_FLOOD_SECONDS": 0}

GRAPPLE_INSTALLED = importlib.util.find_spec("grapple") is not None
if GRAPPLE_INSTALLED:
    # The fields are declared before grapple's ready() builds its types from them.
    INSTALLED_APPS = [  # noqa: F405
        *INSTALLED_APPS,  # noqa: F405
        "benchmarks.bench_site.grapple_fields.GrappleFieldsConfig",
        "grapple",
        "wagtail_headless_preview",
    ]
    GRAPPLE = {"APPS": ["cms_blog"], "ALLOWED_IMAGE_FILTERS": ["width-400", "width-800"]}
