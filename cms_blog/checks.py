"""System checks: a misconfigured site hears about it at ``manage.py check``, not at run time."""

from django.apps import apps
from django.conf import settings
from django.core import checks

from .conf import DEFAULTS, blog_settings, user_settings

REQUIRED_APPS = [
    "wagtail",
    "wagtail.images",
    "wagtail.search",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "graphene_django",
]

FAULT_MIDDLEWARE = "cms_blog.faults.ServiceUnavailableMiddleware"


@checks.register()
def check_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    configured = user_settings()
    if not isinstance(configured, dict):
        return [checks.Error("CMS_BLOG must be a dict.", id="cms_blog.E002")]
    for key in sorted(set(configured) - set(DEFAULTS)):
        errors.append(
            checks.Warning(
                f"Unknown CMS_BLOG setting {key!r}.",
                hint="Check the spelling against docs/settings.md; unknown keys are ignored.",
                id="cms_blog.W001",
            )
        )
    if configured.get("MODERATION", "first-time") not in ("all", "first-time", "none"):
        errors.append(
            checks.Error(
                "CMS_BLOG['MODERATION'] must be 'all', 'first-time' or 'none'.",
                id="cms_blog.E003",
            )
        )
    for app in REQUIRED_APPS:
        if not apps.is_installed(app):
            errors.append(
                checks.Error(
                    f"cms_blog needs {app!r} in INSTALLED_APPS.",
                    hint="See docs/installation.md for the full list.",
                    id="cms_blog.E001",
                )
            )
    return errors


# Deployment checks (`manage.py check --deploy`): settings that are fine while developing but
# weaken a guarantee of the blog in production. See docs/production.md.


@checks.register(checks.Tags.security, deploy=True)
def check_ip_retention(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not isinstance(user_settings(), dict):
        return []  # check_settings reports it
    if not blog_settings.STORE_IP or blog_settings.IP_RETENTION_DAYS is not None:
        return []
    return [
        checks.Warning(
            "Commenters' IP addresses are stored and never deleted.",
            hint="Set CMS_BLOG['IP_RETENTION_DAYS'] (e.g. 30) and run `manage.py "
            "expire_comment_ips` daily, or set CMS_BLOG['STORE_IP'] = False. See "
            "docs/privacy.md.",
            id="cms_blog.W002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not isinstance(user_settings(), dict):
        return []
    behind_proxy = settings.SECURE_PROXY_SSL_HEADER or settings.USE_X_FORWARDED_HOST
    if not behind_proxy or blog_settings.TRUSTED_PROXY_HEADER:
        return []
    return [
        checks.Warning(
            "The site sits behind a reverse proxy, but CMS_BLOG['TRUSTED_PROXY_HEADER'] is "
            "not set: every commenter has the proxy's address, so the flood limit holds all "
            "readers back together and the stored IP addresses are the proxy's.",
            hint="Set it to the request.META key your proxy writes the client address to, "
            "e.g. 'HTTP_X_FORWARDED_FOR'. See docs/settings.md.",
            id="cms_blog.W003",
        )
    ]


@checks.register(deploy=True)
def check_fault_middleware(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if FAULT_MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        checks.Warning(
            f"{FAULT_MIDDLEWARE} is not in MIDDLEWARE: while the database or the cache is "
            "down, pages answer 500 instead of 503 with Retry-After.",
            hint="Add it after django.middleware.security.SecurityMiddleware. See "
            "docs/production.md.",
            id="cms_blog.W004",
        )
    ]
