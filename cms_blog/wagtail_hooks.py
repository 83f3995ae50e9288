"""Registration with the Wagtail admin only; the comment moderation views live in
``cms_blog/comments/admin.py``, the webhook views in ``cms_blog/webhooks/admin.py``."""

from django.http import HttpRequest
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .comments.admin import PendingCommentsPanel, admin_urls, comment_admin
from .comments.policy import MODERATE_PERMISSION
from .models import WebhookDelivery
from .webhooks.admin import DeliveryLogPolicy, WebhookDeliveryViewSet, WebhookEndpointViewSet

comment_admin.register_with_wagtail()
register_permission_policy(WebhookDelivery, DeliveryLogPolicy(WebhookDelivery))


@hooks.register("register_admin_urls")
def register_comment_moderation_urls() -> list:
    return admin_urls()


@hooks.register("construct_homepage_panels")
def add_pending_comments_panel(request: HttpRequest, panels: list) -> None:
    if request.user.has_perm(MODERATE_PERMISSION):
        panels.append(PendingCommentsPanel())


@hooks.register("register_admin_viewset")
def register_webhook_viewsets() -> list:
    return [WebhookEndpointViewSet(), WebhookDeliveryViewSet()]
