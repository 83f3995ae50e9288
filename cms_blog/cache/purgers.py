"""Purging a CDN by cache tag.

``CMS_BLOG["CDN_PURGER"]`` names the class (a dotted path), ``CDN_PURGER_OPTIONS`` its keyword
arguments; every purger also gets ``timeout=CDN_PURGE_TIMEOUT`` and must keep each request within
it. Purges run in a task (``invalidation.py``), which logs a purger's exception and carries on:
the answers it could not purge age out after ``CACHE_S_MAXAGE``.

A site's own purger subclasses ``TagPurger`` and implements ``purge_batch``; docs/caching.md
shows the three below with their options.
"""

from collections.abc import Iterable

import requests
from django.utils.module_loading import import_string

from ..conf import blog_settings


class TagPurger:
    """Removes from a CDN every cached answer tagged with any of the tags it is given."""

    # The most tags one purge request may carry.
    batch_size = 100

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    def purge(self, tags: Iterable[str]) -> None:
        """Purge ``tags``, ``batch_size`` at a time; raises on the first request that fails."""
        tags = sorted(set(tags))
        for start in range(0, len(tags), self.batch_size):
            self.purge_batch(tags[start : start + self.batch_size])

    def purge_batch(self, tags: list[str]) -> None:
        raise NotImplementedError


class VarnishXkeyPurger(TagPurger):
    """An HTTP ``PURGE`` to each Varnish server, the tags (space-separated) in ``header``, which
    the VCL hands to ``xkey.purge()`` (varnish-modules' xkey vmod; VCL in docs/caching.md)."""

    def __init__(
        self,
        *,
        urls: str | list[str] = "http://127.0.0.1:6081/",
        header: str = "xkey-purge",
        timeout: float,
    ) -> None:
        super().__init__(timeout=timeout)
        self.urls = [urls] if isinstance(urls, str) else list(urls)
        self.header = header

    def purge_batch(self, tags: list[str]) -> None:
        for url in self.urls:
            response = requests.request(
                "PURGE", url, headers={self.header: " ".join(tags)}, timeout=self.timeout
            )
            response.raise_for_status()


class FastlySurrogateKeyPurger(TagPurger):
    """Fastly's batch purge by surrogate key (``POST /service/{id}/purge``, up to 256 keys), soft
    by default: purged answers are marked stale, so Fastly may still serve them while it fetches
    fresh ones (``stale-while-revalidate``) or when the origin is down (``stale-if-error``)."""

    batch_size = 256

    def __init__(
        self,
        *,
        service_id: str,
        api_token: str,
        soft: bool = True,
        api_url: str = "https://api.fastly.com",
        timeout: float,
    ) -> None:
        super().__init__(timeout=timeout)
        self.url = f"{api_url.rstrip('/')}/service/{service_id}/purge"
        self.headers = {"Fastly-Key": api_token, "Accept": "application/json"}
        if soft:
            self.headers["Fastly-Soft-Purge"] = "1"

    def purge_batch(self, tags: list[str]) -> None:
        response = requests.post(
            self.url,
            headers={**self.headers, "Surrogate-Key": " ".join(tags)},
            timeout=self.timeout,
        )
        response.raise_for_status()


class CloudflareCacheTagPurger(TagPurger):
    """Cloudflare's purge by cache tag (``POST /zones/{id}/purge_cache`` with ``{"tags": […]}``,
    up to 100 a request); the pages carry the tags in ``Cache-Tag`` (``CACHE_TAG_HEADER``)."""

    batch_size = 100

    def __init__(
        self,
        *,
        zone_id: str,
        api_token: str,
        api_url: str = "https://api.cloudflare.com/client/v4",
        timeout: float,
    ) -> None:
        super().__init__(timeout=timeout)
        self.url = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.headers = {"Authorization": f"Bearer {api_token}"}

    def purge_batch(self, tags: list[str]) -> None:
        response = requests.post(
            self.url, json={"tags": tags}, headers=self.headers, timeout=self.timeout
        )
        response.raise_for_status()
        if not response.json().get("success"):
            raise requests.HTTPError(f"Cloudflare refused the purge: {response.text[:500]}")


def get_purger() -> TagPurger | None:
    """The configured purger, or None when ``CDN_PURGER`` is not set."""
    if not blog_settings.CDN_PURGER:
        return None
    purger_class = import_string(blog_settings.CDN_PURGER)
    return purger_class(timeout=blog_settings.CDN_PURGE_TIMEOUT, **blog_settings.CDN_PURGER_OPTIONS)
