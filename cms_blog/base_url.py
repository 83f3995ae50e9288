"""The one base URL of every absolute URL the blog emits: the Wagtail Site's root URL.

The request's Host header is never used: a proxy, a port or a client's own Host would otherwise
end up in og:image, feed links and GraphQL image URLs while the canonical link (which Wagtail
builds from the Site) names another host. Frontend-facing links (post URLs, page links in rich
text) use ``CMS_BLOG["FRONTEND_BASE_URL"]`` when a separate frontend renders the site."""

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Page, Site

from .conf import blog_settings


def site_base_url(request_or_site: HttpRequest | Site | None) -> str:
    """The root URL, without a trailing slash, of the request's Wagtail Site (the default Site
    when none matches its host), else ``WAGTAILADMIN_BASE_URL``; "" when neither is known."""
    site = request_or_site
    if not isinstance(site, Site):
        site = Site.find_for_request(site) if site is not None else None
        site = site or Site.objects.filter(is_default_site=True).first()
    base = site.root_url if site else getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return base.rstrip("/")


def absolute_url(url: str, request_or_site: HttpRequest | Site | None) -> str:
    """``url`` on the Site's root URL; URLs that are already absolute (e.g. of files in cloud
    storage) stay as they are."""
    if url.startswith(("http://", "https://", "//")):
        return url
    return site_base_url(request_or_site) + url


def page_path_and_url(page: Page, request: HttpRequest | None) -> tuple[str, str]:
    """A page's path relative to its site root and its absolute URL: on ``FRONTEND_BASE_URL``
    when the site is rendered by a separate frontend, else on the page's own Site."""
    _site_id, root_url, path = page.get_url_parts(request) or (None, None, None)
    # Headless sites may not route pages through wagtail_serve: fall back to the tree path.
    path = path or page.url_path
    base = blog_settings.FRONTEND_BASE_URL or root_url or site_base_url(request)
    return path, base.rstrip("/") + path


def admin_base_url() -> str:
    """The admin's root URL for links in emails: ``WAGTAILADMIN_BASE_URL`` as Wagtail's own
    notifications use it, else the default Site's root URL."""
    configured = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return configured.rstrip("/") or site_base_url(None)
