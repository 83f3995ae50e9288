"""The one settings dict of the plugin.

Sites write ``CMS_BLOG = {...}`` in their settings; code reads ``blog_settings.KEY``. The accessor
is not cached, so ``override_settings(CMS_BLOG=...)`` works in tests. Every key is documented in
docs/settings.md.
"""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Listing and images
    "PAGE_SIZE": 10,
    "MAX_PAGE_SIZE": 100,
    # Comments (WordPress's defaults)
    "COMMENTS_ENABLED": True,
    "STORE_IP": True,
    "CLOSE_AFTER_DAYS": None,
    "MAX_DEPTH": 5,
    "MODERATION": "first-time",
    "MAX_LINKS": 2,
    "MODERATION_WORDS": [],
    "DISALLOWED_WORDS": [],
    "FLOOD_SECONDS": 15,
    "MIN_SUBMIT_SECONDS": 3,
    "SPAM_CHECKER": None,
    "SPAM_CHECK_TIMEOUT": 5,
    "NOTIFY_EMAILS": None,
    "TRUSTED_PROXY_HEADER": None,
    "IP_RETENTION_DAYS": None,
    "REMEMBER_COMMENTER": True,
    # GraphQL
    "GRAPHIQL": None,
    "GRAPHQL_INTROSPECTION": True,
    "GRAPHQL_MAX_BODY_BYTES": 100_000,
    "GRAPHQL_MAX_DEPTH": 12,
    "GRAPHQL_MAX_FIELDS": 500,
    "GRAPHQL_MAX_ALIASES": 30,
    "GRAPHQL_MAX_TOKENS": 2000,
    "GRAPHQL_MAX_LIST_LENGTH": 20,
    "GRAPHQL_MAX_RESPONSE_BYTES": 5_000_000,
    "ALLOWED_IMAGE_FILTERS": [
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
    "FRONTEND_BASE_URL": None,
    "PREVIEW_URL": None,
    "PREVIEW_TOKEN_MAX_AGE": 3600,
    # Outages (cms_blog.faults)
    "RETRY_AFTER_SECONDS": 30,
}


class BlogSettings:
    """Reads ``settings.CMS_BLOG`` on every access, falling back to ``DEFAULTS``."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown CMS_BLOG setting: {name}")
        return user_settings().get(name, DEFAULTS[name])


def user_settings() -> dict[str, Any]:
    return getattr(settings, "CMS_BLOG", None) or {}


blog_settings = BlogSettings()
