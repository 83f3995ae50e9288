"""Caching the blog's public answers, and making them fresh again when what they show changes.

- ``tags.py``: the cache tags an answer depends on (``post:<id>``, ``comments:<post id>``,
  ``posts``, ``tags``) and the bounded surrogate-key header that carries them to a CDN;
- ``store.py``: a tag-aware view of Django's cache (tag -> invalidation time, no key scanning)
  and ``cache_version()``, for answers cached on the server;
- ``invalidation.py``: ``invalidate(tags)``, after commit: Django's cache at once, the CDN through
  a task;
- ``purgers.py``: purge by tag on Varnish (xkey), Fastly (surrogate keys), Cloudflare (cache tags);
- ``http.py``: ``Cache-Control``, ``ETag``/304 and the tag header on the HTML pages (and, through
  ``share()``, on the GraphQL answers of ``cms_blog/graphql/caching.py``).

``cms_blog/changes.py`` turns Wagtail's and the comments' signals into the tags to invalidate.
"""
