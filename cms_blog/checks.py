"""System checks: a misconfigured site hears about it at ``manage.py check``, not at run time."""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.template import Context, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import select_template
from django.template.loader_tags import BlockNode, ExtendsNode
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse
from django.utils.module_loading import import_string

from .conf import DEFAULTS, RENAMED, TYPES, blog_settings
from .docs import docs_url
from .graphql.persisted import MODES as PERSISTED_QUERY_MODES

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
                    hint=f"Check the spelling against {docs_url('settings.md')}; unknown keys are "
                    "ignored.",
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
    if blog_settings.GRAPHQL_PERSISTED_QUERIES not in PERSISTED_QUERY_MODES:
        errors.append(
            checks.Error(
                "CMS_BLOG['GRAPHQL_PERSISTED_QUERIES'] must be 'apq', 'allow-list' or 'off'.",
                id="cms_blog.E008",
            )
        )
    for app in REQUIRED_APPS:
        if not apps.is_installed(app):
            errors.append(
                checks.Error(
                    f"cms_blog needs {app!r} in INSTALLED_APPS.",
                    hint=f"See {docs_url('installation.md')} for the full list.",
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
            f"{docs_url('privacy.md')}.",
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
            f"e.g. 'HTTP_X_FORWARDED_FOR'. See {docs_url('settings.md')}.",
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
            f"{docs_url('production.md')}.",
            id="cms_blog.W005",
        )
    ]


# Caches whose entries live in one process: an invalidation made in one reaches no other.
PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not _is_dict(getattr(settings, "CMS_BLOG", None)):
        return []
    alias = blog_settings.CACHE_ALIAS
    backend = settings.CACHES.get(alias, {}).get("BACKEND")
    if not blog_settings.GRAPHQL_RESPONSE_CACHE or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"The blog's cache (CACHES[{alias!r}]) is the local-memory cache: with several "
            "processes, a change invalidates the GraphQL answers cached by the process that "
            "made it only, and the others keep serving theirs (a post unpublished or made "
            "private included) until they expire.",
            hint="Use a shared cache (Redis, with django-redis) for CMS_BLOG['CACHE_ALIAS'], "
            "or run one process, or set CMS_BLOG['GRAPHQL_RESPONSE_CACHE'] = False. See "
            f"{docs_url('production.md')}.",
            id="cms_blog.W006",
        )
    ]


def rendered_blocks(chain: list[Template]) -> set[str]:
    """The names of the blocks that reach the output of a template whose inheritance chain is
    ``chain`` (the template first, the root last): the root's blocks, and the blocks nested in
    whichever definition of a rendered block is in force, as Django's BlockContext renders them."""
    in_force: dict[str, BlockNode] = {}
    for template in chain:  # the most derived definition wins
        for node in template.nodelist.get_nodes_by_type(BlockNode):
            in_force.setdefault(node.name, node)
    found: set[str] = set()

    def walk(nodelist) -> None:
        for node in nodelist:
            if isinstance(node, BlockNode):
                if node.name not in found:
                    found.add(node.name)
                    walk(in_force[node.name].nodelist)
            else:
                for attr in node.child_nodelists:
                    walk(getattr(node, attr, None) or [])

    walk(chain[-1].nodelist)
    return found


def inheritance_chain(names: list[str]) -> list[Template] | None:
    """A template of Django's engine and its ancestors, found as ``{% extends %}`` finds them when
    the page renders (so a base.html extending "base.html" gets the next one, not itself); None
    for another engine's template."""
    template = select_template(names).template
    if not isinstance(template, Template):
        return None
    chain = [template]
    context = Context()
    with context.bind_template(template):
        while extends := [node for node in chain[-1].nodelist if isinstance(node, ExtendsNode)]:
            chain.append(extends[0].get_parent(context))
    return chain


def filled_blocks(chain: list[Template]) -> set[str]:
    """The blocks that the blog's own templates of a chain (cms_blog/…) fill at their top level."""
    return {
        child.name
        for template in chain
        if template.origin.template_name.startswith("cms_blog/")
        for node in template.nodelist
        if isinstance(node, ExtendsNode)
        for child in node.nodelist
        if isinstance(child, BlockNode)
    }


@checks.register(checks.Tags.templates)
def check_base_template(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The site's base.html, as the blog's page templates reach it, has every block they fill:
    a block base.html lacks is dropped without an error (a post without its description,
    canonical link and Open Graph tags when ``meta`` is missing)."""
    from .models import get_index_model, get_post_model

    hint = docs_url("installation.md", "5-check-your-basehtml")
    missing: dict[str, set[str]] = {}
    pages = [
        (get_index_model(), "cms_blog/blog_index_page.html"),
        (get_post_model(), "cms_blog/blog_post_page.html"),
    ]
    for model, blog_template in pages:
        try:
            # The page's own template, else the blog's (as the mixins' get_template picks).
            chain = inheritance_chain([model.template, blog_template])
        except TemplateDoesNotExist as error:
            return [
                checks.Error(
                    f"The blog's page template {model.template} extends a template that does "
                    f"not exist: {error}.",
                    hint=f"Give the site a base.html with the blocks the blog fills: {hint}",
                    id="cms_blog.E101",
                )
            ]
        except TemplateSyntaxError:
            chain = None  # an {% extends %} of a variable: known only when the page renders
        if chain is None:
            continue
        site_base = next(
            (t for t in chain if not t.origin.template_name.startswith("cms_blog/")), chain[-1]
        )
        lacking = filled_blocks(chain) - rendered_blocks(chain)
        if lacking:
            missing.setdefault(site_base.origin.name, set()).update(lacking)
    return [
        checks.Warning(
            f"{origin} has no {', '.join(f'{{% block {name} %}}' for name in sorted(names))}: "
            "what the blog's pages put there is dropped without an error.",
            hint=f"Add the blocks to that template (meta and extra_css in <head>, body_class in "
            f'<body class="…">, content where the page goes): {hint}',
            id="cms_blog.W101",
        )
        for origin, names in sorted(missing.items())
    ]


@checks.register(checks.Tags.urls)
def check_urls(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The blog's URLs are included, and before Wagtail's catch-all page serving, which would
    otherwise answer them with a 404."""
    hint = docs_url("installation.md", "3-add-the-urls")
    try:
        paths = [reverse("cms_blog:graphql"), reverse("cms_blog:post_comment", args=[1])]
    except NoReverseMatch:
        return [
            checks.Error(
                "cms_blog.urls is not included in the site's URLs: post pages cannot render "
                "their comment form, and there is no GraphQL endpoint.",
                hint=f'Add path("", include("cms_blog.urls")) before Wagtail\'s URLs: {hint}',
                id="cms_blog.E102",
            )
        ]
    messages = []
    prefix = get_script_prefix()
    for path in paths:
        try:
            match = resolve("/" + path.removeprefix(prefix))
        except Resolver404:
            continue
        if "cms_blog" not in match.app_names:
            messages.append(
                checks.Warning(
                    f"The blog's URL {path} is answered by {match.view_name!r}, not by the blog: "
                    "cms_blog.urls is included after a pattern that catches it (Wagtail's page "
                    "serving catches every path).",
                    hint='Move path("", include("cms_blog.urls")) above '
                    f'path("", include(wagtail_urls)): {hint}',
                    id="cms_blog.W102",
                )
            )
    return messages
