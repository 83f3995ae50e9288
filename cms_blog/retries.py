"""Trying a task again later: the backoff schedule and deferred queueing that webhook deliveries
and moderation emails share.

A task that failed is queued again with django-tasks' ``run_after``, the wait doubling after each
failed attempt up to a day. Only a backend that can defer (a worker's; not Django's immediate
backend, the default) takes such a task: ``enqueue_later`` says whether it did, and the caller
decides what to do when it did not.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks.base import Task

MAX_RETRY_DELAY = timedelta(days=1)


def retry_delay(first_seconds: float, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: ``first_seconds``, doubling, at most a
    day."""
    return min(timedelta(seconds=first_seconds * 2 ** (attempts - 1)), MAX_RETRY_DELAY)


def can_defer(task: Task) -> bool:
    """Whether the task's backend runs tasks later (``run_after``)."""
    return task.get_backend().supports_defer


def enqueue_later(task: Task, delay: timedelta, *args: Any) -> bool:
    """Queue ``task(*args)`` to run ``delay`` from now; False (nothing queued) where the backend
    cannot defer."""
    if not can_defer(task):
        return False
    task.using(run_after=timezone.now() + delay).enqueue(*args)
    return True
