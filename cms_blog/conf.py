"""The one settings dict of the plugin.

Sites write ``CMS_BLOG = {...}`` in their settings; code reads ``blog_settings.KEY``. The values
are resolved once (a request reads dozens) and again whenever Django announces a change of
``CMS_BLOG`` (``setting_changed``: ``override_settings`` in tests). Every key is documented in
docs/settings.md, and ``manage.py check`` reports unknown keys, renamed keys and values of the
wrong type (``checks.py``).
"""

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS: dict[str, Any] = {
    # The blog index
    "INDEX_PAGE_SIZE": 10,
    # Comments (WordPress's defaults)
    "COMMENTS_ENABLED": True,
    "COMMENTS_STORE_IP": True,
    "COMMENTS_CLOSE_AFTER_DAYS": None,
    "COMMENTS_MAX_DEPTH": 5,
    "COMMENTS_PER_PAGE": 50,
    "COMMENTS_DEFAULT_PAGE": "newest",
    "COMMENTS_MODERATION": "first-time",
    "COMMENTS_MAX_LINKS": 2,
    "COMMENTS_MODERATION_WORDS": [],
    "COMMENTS_DISALLOWED_WORDS": [],
    "COMMENTS_FLOOD_SECONDS": 15,
    "COMMENTS_MIN_SUBMIT_SECONDS": 3,
    "COMMENTS_FORM_MAX_AGE": 24 * 3600,
    "COMMENTS_SPAM_CHECKER": None,
    "COMMENTS_SPAM_CHECK_TIMEOUT": 5,
    "COMMENTS_NOTIFY_EMAILS": None,
    "COMMENTS_NOTIFY_MAX_ATTEMPTS": 6,
    "COMMENTS_NOTIFY_RETRY_SECONDS": 60,
    "COMMENTS_REMEMBER_COMMENTER": True,
    # Run in order on every new comment; see cms_blog/comments/rules.py and docs/comments.md.
    "MODERATION_RULES": [
        "cms_blog.comments.rules.bot_traps",
        "cms_blog.comments.rules.disallowed_words",
        "cms_blog.comments.rules.moderate_all",
        "cms_blog.comments.rules.too_many_links",
        "cms_blog.comments.rules.moderation_words",
        "cms_blog.comments.rules.first_time_commenter",
        "cms_blog.comments.rules.spam_checker",
    ],
    "TRUSTED_PROXY_HEADER": None,
    "COMMENTS_IP_RETENTION_DAYS": None,
    # GraphQL
    "GRAPHQL_GRAPHIQL": None,
    "GRAPHQL_INTROSPECTION": True,
    "GRAPHQL_MAX_PAGE_SIZE": 100,
    "GRAPHQL_MAX_COMMENT_THREADS": 50,
    "GRAPHQL_MAX_BODY_BYTES": 100_000,
    "GRAPHQL_MAX_DEPTH": 12,
    "GRAPHQL_MAX_FIELDS": 500,
    "GRAPHQL_MAX_ALIASES": 30,
    "GRAPHQL_MAX_TOKENS": 2000,
    "GRAPHQL_MAX_LIST_LENGTH": 20,
    "GRAPHQL_MAX_RESPONSE_BYTES": 5_000_000,
    # Caching and persisted queries (docs/graphql.md)
    "GRAPHQL_RESPONSE_CACHE": True,
    "GRAPHQL_CACHE_MAX_AGE": 0,
    "GRAPHQL_CACHE_S_MAXAGE": 600,
    "GRAPHQL_PERSISTED_QUERIES": "apq",
    "GRAPHQL_PERSISTED_QUERIES_DIRS": [],
    "GRAPHQL_IMAGE_FILTERS": [
        "original",
        "width-400",
        "width-800",
        "width-1200",
        "width-1600",
        "fill-400x300",
        "fill-800x600",
        "fill-1200x630",
        "max-1200x1200",
    ],
    # Headless frontends
    "FRONTEND_BASE_URL": None,
    "PREVIEW_URL": None,
    "PREVIEW_TOKEN_MAX_AGE": 3600,
    # Outages (cms_blog.faults)
    "RETRY_AFTER_SECONDS": 30,
    # HTTP caching, CDN purges and webhooks (docs/caching.md, docs/webhooks.md)
    "CACHE_MAX_AGE": 0,
    "CACHE_S_MAXAGE": 600,
    "CACHE_TAG_HEADER": "Surrogate-Key",
    "CACHE_TAG_HEADER_MAX_BYTES": 4000,
    "CACHE_ALIAS": "default",
    "CDN_PURGER": None,
    "CDN_PURGER_OPTIONS": {},
    "CDN_PURGE_TIMEOUT": 5,
    "WEBHOOK_TIMEOUT": 5,
    "WEBHOOK_MAX_ATTEMPTS": 6,
    "WEBHOOK_RETRY_SECONDS": 30,
}

# The types each key takes, checked by ``manage.py check`` (cms_blog.E004).
OPTIONAL_STR = (str, type(None))
TYPES: dict[str, type | tuple[type, ...]] = {
    "INDEX_PAGE_SIZE": int,
    "COMMENTS_ENABLED": bool,
    "COMMENTS_STORE_IP": bool,
    "COMMENTS_CLOSE_AFTER_DAYS": (int, type(None)),
    "COMMENTS_MAX_DEPTH": int,
    "COMMENTS_PER_PAGE": int,
    "COMMENTS_DEFAULT_PAGE": str,
    "COMMENTS_MODERATION": str,
    "COMMENTS_MAX_LINKS": int,
    "COMMENTS_MODERATION_WORDS": (list, tuple),
    "COMMENTS_DISALLOWED_WORDS": (list, tuple),
    "COMMENTS_FLOOD_SECONDS": (int, float),
    "COMMENTS_MIN_SUBMIT_SECONDS": (int, float),
    "COMMENTS_FORM_MAX_AGE": (int, float),
    "COMMENTS_SPAM_CHECKER": OPTIONAL_STR,
    "COMMENTS_SPAM_CHECK_TIMEOUT": (int, float),
    "COMMENTS_NOTIFY_EMAILS": (list, tuple, type(None)),
    "COMMENTS_NOTIFY_MAX_ATTEMPTS": int,
    "COMMENTS_NOTIFY_RETRY_SECONDS": (int, float),
    "COMMENTS_REMEMBER_COMMENTER": bool,
    "MODERATION_RULES": (list, tuple),
    "TRUSTED_PROXY_HEADER": OPTIONAL_STR,
    "COMMENTS_IP_RETENTION_DAYS": (int, type(None)),
    "GRAPHQL_GRAPHIQL": (bool, type(None)),
    "GRAPHQL_INTROSPECTION": bool,
    "GRAPHQL_MAX_PAGE_SIZE": int,
    "GRAPHQL_MAX_COMMENT_THREADS": int,
    "GRAPHQL_MAX_BODY_BYTES": int,
    "GRAPHQL_MAX_DEPTH": int,
    "GRAPHQL_MAX_FIELDS": int,
    "GRAPHQL_MAX_ALIASES": int,
    "GRAPHQL_MAX_TOKENS": int,
    "GRAPHQL_MAX_LIST_LENGTH": int,
    "GRAPHQL_MAX_RESPONSE_BYTES": int,
    "GRAPHQL_RESPONSE_CACHE": bool,
    "GRAPHQL_CACHE_MAX_AGE": int,
    "GRAPHQL_CACHE_S_MAXAGE": int,
    "GRAPHQL_PERSISTED_QUERIES": str,
    "GRAPHQL_PERSISTED_QUERIES_DIRS": (list, tuple),
    "GRAPHQL_IMAGE_FILTERS": (list, tuple),
    "FRONTEND_BASE_URL": OPTIONAL_STR,
    "PREVIEW_URL": OPTIONAL_STR,
    "PREVIEW_TOKEN_MAX_AGE": int,
    "RETRY_AFTER_SECONDS": int,
    "CACHE_MAX_AGE": int,
    "CACHE_S_MAXAGE": int,
    "CACHE_TAG_HEADER": str,
    "CACHE_TAG_HEADER_MAX_BYTES": int,
    "CACHE_ALIAS": str,
    "CDN_PURGER": OPTIONAL_STR,
    "CDN_PURGER_OPTIONS": dict,
    "CDN_PURGE_TIMEOUT": (int, float),
    "WEBHOOK_TIMEOUT": (int, float),
    "WEBHOOK_MAX_ATTEMPTS": int,
    "WEBHOOK_RETRY_SECONDS": (int, float),
}

# Keys renamed in 0.2: the old name still works for one release, with a warning (cms_blog.W002).
RENAMED: dict[str, str] = {
    "PAGE_SIZE": "INDEX_PAGE_SIZE",
    "MAX_PAGE_SIZE": "GRAPHQL_MAX_PAGE_SIZE",
    "STORE_IP": "COMMENTS_STORE_IP",
    "CLOSE_AFTER_DAYS": "COMMENTS_CLOSE_AFTER_DAYS",
    "MAX_DEPTH": "COMMENTS_MAX_DEPTH",
    "MODERATION": "COMMENTS_MODERATION",
    "MAX_LINKS": "COMMENTS_MAX_LINKS",
    "MODERATION_WORDS": "COMMENTS_MODERATION_WORDS",
    "DISALLOWED_WORDS": "COMMENTS_DISALLOWED_WORDS",
    "FLOOD_SECONDS": "COMMENTS_FLOOD_SECONDS",
    "MIN_SUBMIT_SECONDS": "COMMENTS_MIN_SUBMIT_SECONDS",
    "SPAM_CHECKER": "COMMENTS_SPAM_CHECKER",
    "SPAM_CHECK_TIMEOUT": "COMMENTS_SPAM_CHECK_TIMEOUT",
    "NOTIFY_EMAILS": "COMMENTS_NOTIFY_EMAILS",
    "REMEMBER_COMMENTER": "COMMENTS_REMEMBER_COMMENTER",
    "GRAPHIQL": "GRAPHQL_GRAPHIQL",
    "ALLOWED_IMAGE_FILTERS": "GRAPHQL_IMAGE_FILTERS",
}


class BlogSettings:
    """``settings.CMS_BLOG``'s values, falling back to a renamed key's old name, then to
    ``DEFAULTS``."""

    def __init__(self) -> None:
        self._resolved: dict[str, Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._resolved is None:
            self._resolved = _resolve(user_settings())
        try:
            return self._resolved[name]
        except KeyError:
            raise AttributeError(f"Unknown CMS_BLOG setting: {name}") from None

    def forget(self) -> None:
        """Read the settings again at the next access."""
        self._resolved = None


def _resolve(configured: dict[str, Any]) -> dict[str, Any]:
    values = dict(DEFAULTS)
    values.update({new: configured[old] for old, new in RENAMED.items() if old in configured})
    values.update({name: value for name, value in configured.items() if name in DEFAULTS})
    return values


def user_settings() -> dict[str, Any]:
    configured = getattr(settings, "CMS_BLOG", None) or {}
    # A CMS_BLOG that is not a dict is reported by the checks (cms_blog.E002), not used.
    return configured if isinstance(configured, dict) else {}


blog_settings = BlogSettings()


@receiver(setting_changed)
def _forget_changed_settings(*, setting: str, **kwargs: Any) -> None:
    if setting == "CMS_BLOG":
        blog_settings.forget()
