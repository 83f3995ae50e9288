"""System checks: a misconfigured site hears about it at ``manage.py check``, not at run time."""

from django.apps import apps
from django.core import checks

from .conf import DEFAULTS, user_settings

REQUIRED_APPS = [
    "wagtail",
    "wagtail.images",
    "wagtail.search",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "graphene_django",
]


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
