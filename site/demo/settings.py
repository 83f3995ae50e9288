"""Settings of the demo site, also used by the test suite.

``DATABASE_URL`` selects the database (default: SQLite file next to manage.py); ``REDIS_URL``, when
set, selects a Redis cache so comment flood counters are shared across processes.
"""

import os
from pathlib import Path

import dj_database_url

SITE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = SITE_DIR.parent

# Published in this file, so good for development only: with DEBUG off, the demo's system check
# (demo/checks.py) refuses to start until SECRET_KEY is set.
DEMO_SECRET_KEY = "demo-only-not-secret"
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "demo",
    "cms_blog",
    "wagtail_modeladmin",
    "graphene_django",
    "graphene_django_graphiql_static",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    # Purges a post's page when its public discussion changes; configure WAGTAILFRONTENDCACHE.
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # 503 with Retry-After instead of a 500 while the database or the cache is down.
    "cms_blog.faults.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # WordPress shortlinks (/?p=123) of imported posts; see docs/wordpress.md.
    "cms_blog.wordpress.middleware.WordPressShortlinkMiddleware",
]

ROOT_URLCONF = "demo.urls"
WSGI_APPLICATION = "demo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SITE_DIR / 'db.sqlite3'}", conn_max_age=0
    )
}

if os.environ.get("REDIS_URL"):
    # django-redis, so that a Redis outage degrades the site instead of breaking it: every cache
    # call that cannot reach Redis is logged and answered as a miss (docs/production.md). Wagtail
    # caches site root paths in this cache; the blog keeps its flood counters there.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cms_blog_demo"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                # An unreachable Redis costs each request at most these, not a hung worker.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = SITE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", SITE_DIR / "media"))

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "blog@example.com"

WAGTAIL_SITE_NAME = "cms_blog demo"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

CMS_BLOG: dict = {}
