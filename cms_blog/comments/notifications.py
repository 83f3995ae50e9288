"""Email to moderators when a comment awaits moderation. Never fails a submission."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ..base_url import admin_base_url
from ..conf import blog_settings
from ..models.comments import Comment

logger = logging.getLogger(__name__)


def moderator_emails(comment: Comment) -> list[str]:
    """``CMS_BLOG["COMMENTS_NOTIFY_EMAILS"]`` when set, else the email of the post's owner."""
    configured = blog_settings.COMMENTS_NOTIFY_EMAILS
    if configured is not None:
        return list(configured)
    owner = comment.post.owner
    return [owner.email] if owner is not None and owner.email else []


def notify_moderators(comment: Comment) -> None:
    """Tell the moderators a comment awaits them, with a link to it in the Wagtail admin.
    Errors are logged, never raised: the reader's comment is stored either way."""
    try:
        recipients = moderator_emails(comment)
        if not recipients:
            return
        base_url = admin_base_url()
        context = {
            "comment": comment,
            "post": comment.post,
            "admin_url": base_url + reverse("cms_blog_comment_modeladmin_edit", args=[comment.pk]),
            "queue_url": base_url + reverse("cms_blog_comment_modeladmin_index"),
        }
        send_mail(
            subject=_("Please moderate: “%(title)s”") % {"title": comment.post.title},
            message=render_to_string("cms_blog/emails/comment_pending.txt", context),
            html_message=render_to_string("cms_blog/emails/comment_pending.html", context),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        logger.exception("Could not send the comment moderation email for comment %s", comment.pk)
