"""Tests run in one transaction that never commits: the blog's changes (``cms_blog.changes``)
made by fixtures stay pending, and a change made later joins them instead of its own batch.
``settle()`` acts on them, as their commit would have, before the change a test measures."""

from django.db import connection

from cms_blog.changes import Changes


def settle() -> None:
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, Changes) and not callback.done:
            callback()
