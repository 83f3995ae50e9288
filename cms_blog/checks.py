"""System checks: a misconfigured site hears about it at ``manage.py check``, not at run time."""

from django.apps import apps
from django.core import checks
from django.template import Context, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

from .conf import DEFAULTS, user_settings
from .docs import docs_url

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


def inheritance_chain(name: str) -> list[Template] | None:
    """A template of Django's engine and its ancestors, found as ``{% extends %}`` finds them when
    the page renders (so a base.html extending "base.html" gets the next one, not itself); None
    for another engine's template."""
    template = get_template(name).template
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
    from .models import BlogIndexPage, BlogPostPage

    hint = docs_url("installation.md", "5-check-your-basehtml")
    missing: dict[str, set[str]] = {}
    for model in (BlogIndexPage, BlogPostPage):
        try:
            chain = inheritance_chain(model.template)
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
