"""Settings of the test suite: a Wagtail site with the blog installed, as docs/installation.md
describes, plus the demo app (whose loader test_demo.py checks) and fast test-only choices.

``DATABASE_URL`` selects the database (default: SQLite); ``REDIS_URL``, when set, a Redis cache.
"""

import os
from pathlib import Path

import dj_database_url

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "demo",
    "cms_blog",
    "wagtail_modeladmin",
    "graphene_django",
    "graphene_django_graphiql_static",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
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
    # Follows old WordPress ?p=ID links to imported posts (docs/wordpress.md).
    "cms_blog.wordpress.middleware.WordPressShortlinkMiddleware",
]

# The demo's URLs: the blog's included before Wagtail's catch-all, as the docs say.
ROOT_URLCONF = "demo.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The demo's base.html, which the browser journeys and the docs' screenshots show.
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

DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{TESTS_DIR / 'tests.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared in-memory database: the browser journeys' live server writes
    # from several threads, and shared-cache tables answer "database table is locked" at once
    # where a file waits for the lock.
    DATABASES["default"]["TEST"] = {"NAME": str(TESTS_DIR / "test.sqlite3")}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "cms_blog_tests",
        }
    }

# Hashing passwords properly is slow by design; tests log users in all the time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = TESTS_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = TESTS_DIR / "media"  # each test gets a temporary folder (conftest.py)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "blog@example.com"

WAGTAIL_SITE_NAME = "cms_blog tests"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

CMS_BLOG: dict = {}
