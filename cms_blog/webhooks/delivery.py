"""Sending webhook deliveries: signed per Standard Webhooks, as tasks, retried with backoff.

Each attempt POSTs the JSON payload with the Standard Webhooks headers, signed by the
``standardwebhooks`` library: ``webhook-id`` (the delivery's message id, the same on every
attempt, so receivers can drop repeats), ``webhook-timestamp`` (the attempt's) and
``webhook-signature`` (``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body`` under the
endpoint's secret). A 2xx answer within ``WEBHOOK_TIMEOUT`` seconds is a success. Anything else -
an error status, a refused connection, a timeout - is tried again ``WEBHOOK_RETRY_SECONDS``
later, the wait doubling each time up to a day, until ``WEBHOOK_MAX_ATTEMPTS`` attempts failed.
Every attempt is written to the delivery (status, attempts, last HTTP status, last error).

Deliveries run as django-tasks tasks, queued once the change that caused them committed. A
backend that supports ``run_after`` (a worker's: django-tasks' database backend, for one) gets
each retry as a deferred task; with one that does not (Django's immediate backend, the default)
``manage.py deliver_webhooks``, run every minute from cron like Wagtail's ``publish_scheduled``,
sends the retries that are due - and any delivery whose task never ran.
"""

import json
import logging
from datetime import datetime, timedelta

import requests
from django.utils import timezone
from django_tasks import task
from standardwebhooks import Webhook

from .. import __version__
from ..conf import blog_settings
from ..models import WebhookDelivery
from ..retries import can_defer, retry_delay

logger = logging.getLogger(__name__)

# How much of a failing endpoint's answer the log keeps.
ERROR_BYTES = 500
TO_SEND = [WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING]


def lease_end() -> datetime:
    """When a delivery claimed now is due again should its worker die: past any attempt's end."""
    return timezone.now() + timedelta(seconds=2 * blog_settings.WEBHOOK_TIMEOUT + 60)


def enqueue(delivery: WebhookDelivery) -> None:
    """Queue the delivery's next attempt: at once for a new one, at ``next_attempt_at`` for a
    retry where the backend can defer (else ``deliver_webhooks`` sends it when due)."""
    task_to_run = deliver
    if delivery.attempts:
        if not can_defer(deliver):
            return
        task_to_run = deliver.using(run_after=delivery.next_attempt_at)
    try:
        task_to_run.enqueue(delivery.pk)
    except Exception:
        # Still logged as due: deliver_webhooks sends it.
        logger.exception("cms_blog: webhook delivery %s could not be queued", delivery.pk)


@task()
def deliver(delivery_id: int) -> None:
    """Make the next attempt of a delivery, unless it is done or another worker has it."""
    delivery = claim(delivery_id)
    if delivery is not None:
        attempt(delivery)


def deliver_due(limit: int = 100) -> int:
    """Attempt the deliveries that are due (``manage.py deliver_webhooks``); how many."""
    due = WebhookDelivery.objects.filter(status__in=TO_SEND, next_attempt_at__lte=timezone.now())
    count = 0
    for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]:
        if (delivery := claim(pk)) is not None:
            attempt(delivery)
            count += 1
    return count


def claim(delivery_id: int) -> WebhookDelivery | None:
    """The delivery, when it is due and nobody else took it. Taking it moves its
    ``next_attempt_at`` to a lease's end, in one conditional UPDATE: another worker, or
    ``deliver_webhooks``, finds it not due."""
    # A second's grace: a deferred task may start a moment before its run_after.
    due = timezone.now() + timedelta(seconds=1)
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, status__in=TO_SEND, next_attempt_at__lte=due)
        .first()
    )
    if delivery is None:
        return None
    taken = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=lease_end())
    return delivery if taken else None


def attempt(delivery: WebhookDelivery) -> None:
    """POST the delivery once, and log the outcome on it."""
    status_code, error = post(delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = status_code, error
    if not error:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.SUCCEEDED, now
        delivery.next_attempt_at = None
    elif delivery.attempts >= blog_settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
    else:
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = now + retry_delay(
            blog_settings.WEBHOOK_RETRY_SECONDS, delivery.attempts
        )
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    if delivery.status == WebhookDelivery.Status.RETRYING:
        enqueue(delivery)


def post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Send the delivery's payload, signed; the HTTP status and the error ("" on success)."""
    body = json.dumps(delivery.payload, separators=(",", ":"))
    sent_at = timezone.now()
    try:
        signature = Webhook(delivery.endpoint.secret).sign(delivery.message_id, sent_at, body)
    except Exception as error:  # binascii.Error, EmptyWebhookSecretError: a broken secret
        return None, f"The endpoint's signing secret is not valid: {error}"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"cms_blog/{__version__}",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
    }
    try:
        with requests.post(
            delivery.endpoint.url,
            data=body.encode(),
            headers=headers,
            timeout=blog_settings.WEBHOOK_TIMEOUT,
            allow_redirects=False,
            stream=True,
        ) as response:
            if 200 <= response.status_code < 300:
                return response.status_code, ""
            excerpt = next(response.iter_content(ERROR_BYTES), b"").decode(errors="replace")
            return response.status_code, f"HTTP {response.status_code}: {excerpt}".strip()
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: {error}"[:ERROR_BYTES]
