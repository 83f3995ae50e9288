"""Webhooks: the endpoints a site's frontends register in the Wagtail admin, and the log of every
delivery to them (``cms_blog/webhooks/``)."""

import base64
import re
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Event type -> what it means, as the admin lists them.
EVENTS = {
    "post.published": _("A post went live (published, or its scheduled time came)."),
    "post.updated": _("A live post was published again, moved or renamed."),
    "post.unpublished": _("A post was unpublished or expired."),
    "post.deleted": _("A live post was deleted."),
    "comment.approved": _("A comment became public."),
    "comment.removed": _("A public comment was marked as spam, trashed, held again or deleted."),
}
TEST_EVENT = "webhook.test"
# 16 bytes are 22 base64 characters, before any padding.
SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{22,}={0,2}$")


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def validate_secret(value: str) -> None:
    """A secret the ``standardwebhooks`` library signs with: ``whsec_`` and 16 bytes or more in
    base64."""
    if not SECRET.match(value):
        raise ValidationError(
            _("Enter whsec_ followed by at least 16 bytes in base64, e.g. %(example)s"),
            params={"example": new_secret()},
            code="secret",
        )


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class WebhookEndpoint(models.Model):
    """A URL told about the blog's public changes, in signed POSTs (Standard Webhooks)."""

    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Next.js frontend"))
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        validators=[validate_secret],
        help_text=_(
            "Shared with the receiver, which verifies each request's webhook-signature with it. "
            "Starts with whsec_."
        ),
    )
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("The events sent to this URL; none ticked: every event."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return event == TEST_EVENT or not self.events or event in self.events


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one endpoint: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    # The webhook-id header: the same on every attempt, so receivers can drop repeats.
    message_id = models.CharField(_("message id"), max_length=40, default=new_message_id)
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.TextField(_("last error"), blank=True)
    # When the next attempt is due; None once the delivery succeeded or gave up.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="cms_blog_webhook_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
