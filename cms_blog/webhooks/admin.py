"""Webhooks in the Wagtail admin (Settings > Webhook endpoints, Settings > Webhook deliveries):
Wagtail's generic model views, registered by ``wagtail_hooks.py``.

Endpoints are added and edited like any model, their events ticked from a list, and each has a
"Send test event" action. The delivery log is read-only: a delivery's status, attempts, last HTTP
status and last error are written by the deliveries themselves.
"""

from django import forms
from django.contrib import messages
from django.db.models import Field
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import EVENTS
from .events import send_test_event

ENDPOINTS = "cms_blog_webhook_endpoints"
DELIVERIES = "cms_blog_webhook_deliveries"


class DeliveryLogPolicy(ModelPermissionPolicy):
    """Nobody adds or edits a delivery; those who may view or delete them still may."""

    def user_has_permission(self, user, action: str) -> bool:
        return action not in ("add", "change") and super().user_has_permission(user, action)


class EndpointIndexView(IndexView):
    def get_list_more_buttons(self, instance: WebhookEndpoint) -> list:
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            url = reverse(f"{ENDPOINTS}:send_test", args=[instance.pk])
            buttons.append(MenuItem(_("Send test event"), url=url, icon_name="mail", priority=25))
        return buttons


class SendTestEventView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then POST ``webhook.test`` to one endpoint and say how it went."""

    model = WebhookEndpoint
    permission_required = "change"
    template_name = "cms_blog/webhooks/send_test.html"
    page_title = _("Send test event")
    header_icon = "mail"

    def setup(self, request: HttpRequest, *args, **kwargs) -> None:
        super().setup(request, *args, **kwargs)
        self.endpoint = get_object_or_404(WebhookEndpoint, pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return str(self.endpoint)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(f"{ENDPOINTS}:index"),
                "label": WebhookEndpoint._meta.verbose_name_plural,
            },
            {"url": "", "label": self.page_title, "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(endpoint=self.endpoint, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        delivery = send_test_event(self.endpoint)
        delivery.refresh_from_db()
        if delivery.status == WebhookDelivery.Status.SUCCEEDED:
            messages.success(
                request,
                _("Test event delivered to %(url)s: HTTP %(status)s.")
                % {"url": self.endpoint.url, "status": delivery.last_status_code},
            )
        elif delivery.attempts:
            messages.error(
                request,
                _("Test event not delivered: %(error)s")
                % {"error": delivery.last_error or _("no answer")},
            )
        else:
            messages.info(request, _("Test event queued; the delivery log shows how it goes."))
        return HttpResponseRedirect(reverse(f"{DELIVERIES}:index"))


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    name = ENDPOINTS
    icon = "link"
    menu_label = _("Webhook endpoints")
    add_to_settings_menu = True
    index_view_class = EndpointIndexView
    # Nothing refers to endpoints or deliveries; indexing them would run a task on every save.
    add_to_reference_index = False
    form_fields = ["name", "url", "events", "is_active", "secret"]
    list_display = ["name", "url", "is_active"]
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field: Field, **kwargs) -> forms.Field:
        if db_field.name == "events":
            return forms.MultipleChoiceField(
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                choices=[(event, f"{event}: {meaning}") for event, meaning in EVENTS.items()],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        if db_field.name == "url":
            # Django 6's default, without its deprecation warning on 5.2.
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, **kwargs)

    def get_urlpatterns(self) -> list:
        return [
            *super().get_urlpatterns(),
            path("send-test/<int:pk>/", SendTestEventView.as_view(), name="send_test"),
        ]


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    name = DELIVERIES
    icon = "list-ul"
    menu_label = _("Webhook deliveries")
    add_to_settings_menu = True
    add_to_reference_index = False
    list_display = ["event", "endpoint", "status", "attempts", "last_status_code", "created_at"]
    list_filter = ["status", "event", "endpoint"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "message_id",
        "payload",
    ]
    copy_view_enabled = False
    # No form: nobody adds or edits a delivery (DeliveryLogPolicy), but the views want fields.
    form_fields = ["event"]
