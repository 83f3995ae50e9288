"""System checks: a misconfigured site hears about it at ``manage.py check``, not at run time."""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from .conf import DEFAULTS, RENAMED, TYPES, blog_settings

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
    configured = getattr(settings, "CMS_BLOG", None) or {}
    if not _is_dict(configured):
        return [checks.Error("CMS_BLOG must be a dict.", id="cms_blog.E002")]
    for key in sorted(configured):
        name = RENAMED.get(key, key)
        if key in RENAMED:
            errors.append(
                checks.Warning(
                    f"CMS_BLOG[{key!r}] is now CMS_BLOG[{name!r}].",
                    hint="Rename the key; the old name stops working in the next release.",
                    id="cms_blog.W002",
                )
            )
        if name not in DEFAULTS:
            errors.append(
                checks.Warning(
                    f"Unknown CMS_BLOG setting {key!r}.",
                    hint="Check the spelling against docs/settings.md; unknown keys are ignored.",
                    id="cms_blog.W001",
                )
            )
        elif not _has_type(configured[key], TYPES[name]):
            expected = " or ".join(_type_name(kind) for kind in _types(TYPES[name]))
            errors.append(
                checks.Error(
                    f"CMS_BLOG[{key!r}] must be {expected}, not {configured[key]!r}.",
                    id="cms_blog.E004",
                )
            )
    if blog_settings.COMMENTS_MODERATION not in ("all", "first-time", "none"):
        errors.append(
            checks.Error(
                "CMS_BLOG['COMMENTS_MODERATION'] must be 'all', 'first-time' or 'none'.",
                id="cms_blog.E003",
            )
        )
    if blog_settings.COMMENTS_DEFAULT_PAGE not in ("newest", "oldest"):
        errors.append(
            checks.Error(
                "CMS_BLOG['COMMENTS_DEFAULT_PAGE'] must be 'newest' or 'oldest'.",
                id="cms_blog.E007",
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


def _is_dict(configured: object) -> bool:
    """Whether ``CMS_BLOG`` is usable; check_settings reports it when it is not a dict."""
    return configured is None or isinstance(configured, dict)


def _types(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def _has_type(value: object, expected: type | tuple[type, ...]) -> bool:
    # True and False are ints to Python, never to a setting that wants a number.
    if isinstance(value, bool) and bool not in _types(expected):
        return False
    return isinstance(value, expected)


def _type_name(kind: type) -> str:
    return "None" if kind is type(None) else kind.__name__


@checks.register()
def check_moderation_rules(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every entry of MODERATION_RULES imports and is callable."""
    rules = blog_settings.MODERATION_RULES
    if not _has_type(rules, TYPES["MODERATION_RULES"]):
        return []  # check_settings reports it
    errors = []
    for path in rules:
        try:
            rule = import_string(path)
        except (ImportError, TypeError, ValueError) as error:
            problem = f"does not import ({error})"
        else:
            problem = None if callable(rule) else "is not callable"
        if problem:
            errors.append(
                checks.Error(
                    f"The moderation rule {path!r} {problem}.",
                    hint="MODERATION_RULES lists dotted paths to rule(comment, request) "
                    "functions; see docs/comments.md.",
                    id="cms_blog.E005",
                )
            )
    return errors


@checks.register()
def check_body_blocks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every child block of the post body names a GraphQL type that imports: a block the API
    cannot serve is an error, never a silent gap in ``Post.body``."""
    from .models import get_post_model

    errors = []
    for name, block in get_post_model().body.field.stream_block.child_blocks.items():
        path = getattr(block, "graphql_type", "")
        try:
            import_string(path)
        except (ImportError, ValueError) as error:
            problem = f"names {path!r}, which does not import ({error})" if path else "has none"
            errors.append(
                checks.Error(
                    f"The GraphQL type of body block {name!r} ({type(block).__name__}) {problem}.",
                    hint="Body blocks subclass cms_blog.blocks.BodyBlock and set graphql_type "
                    "to the dotted path of their GraphQL object type; see docs/content.md.",
                    id="cms_blog.E006",
                )
            )
    return errors


# Deployment checks (`manage.py check --deploy`): settings that are fine while developing but
# weaken a guarantee of the blog in production. See docs/production.md.


@checks.register(checks.Tags.security, deploy=True)
def check_ip_retention(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not _is_dict(getattr(settings, "CMS_BLOG", None)):
        return []  # check_settings reports it
    if not blog_settings.COMMENTS_STORE_IP or blog_settings.COMMENTS_IP_RETENTION_DAYS is not None:
        return []
    return [
        checks.Warning(
            "Commenters' IP addresses are stored and never deleted.",
            hint="Set CMS_BLOG['COMMENTS_IP_RETENTION_DAYS'] (e.g. 30) and run `manage.py "
            "expire_comment_ips` daily, or set CMS_BLOG['COMMENTS_STORE_IP'] = False. See "
            "docs/privacy.md.",
            id="cms_blog.W003",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not _is_dict(getattr(settings, "CMS_BLOG", None)):
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
            id="cms_blog.W004",
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
            id="cms_blog.W005",
        )
    ]
