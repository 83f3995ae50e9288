"""Email to moderators when a comment awaits moderation. Never fails a submission.

The email is a task (django-tasks), queued once the comment has committed: with a worker backend
it is sent off the request path, by the worker, and a failure to send (the mail server down, the
database gone for a moment) is tried again later, the wait doubling (``cms_blog.retries``), up to
``COMMENTS_NOTIFY_MAX_ATTEMPTS`` attempts. Django's immediate backend (the default) sends it in
the request, right after the commit, and cannot try again later: a failure is logged as an error.
Each failure is logged (logger ``cms_blog.comments.notifications``); a comment moderated before
its email went out needs no email, and gets none.
"""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from ..base_url import admin_base_url
from ..conf import blog_settings
from ..models.comments import Comment
from ..retries import enqueue_later, retry_delay

logger = logging.getLogger(__name__)


def moderator_emails(comment: Comment) -> list[str]:
    """``CMS_BLOG["COMMENTS_NOTIFY_EMAILS"]`` when set, else the email of the post's owner."""
    configured = blog_settings.COMMENTS_NOTIFY_EMAILS
    if configured is not None:
        return list(configured)
    owner = comment.post.owner
    return [owner.email] if owner is not None and owner.email else []


def notify_moderators(comment: Comment) -> None:
    """Queue the moderators' email about a pending comment; call it once the comment committed.
    Errors are logged, never raised: the reader's comment is stored either way."""
    try:
        send_moderation_email.enqueue(comment.pk)
    except Exception:
        logger.exception("Could not queue the comment moderation email for comment %s", comment.pk)


@task()
def send_moderation_email(comment_id: int, attempt: int = 1) -> None:
    """Tell the moderators a comment awaits them, with a link to it in the Wagtail admin, unless
    it no longer does; on failure, queue the next attempt (or log that there is none)."""
    try:
        comment = (
            Comment.objects.pending().select_related("post__owner").filter(pk=comment_id).first()
        )
        if comment is not None:
            send_email(comment)
    except Exception:
        retry(comment_id, attempt)


def send_email(comment: Comment) -> None:
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


def retry(comment_id: int, attempt: int) -> None:
    """After a failed attempt (logged here, with its error): queue the next one, when there is
    one and the task backend can wait."""
    why_not = _NO_MORE_ATTEMPTS
    if attempt < blog_settings.COMMENTS_NOTIFY_MAX_ATTEMPTS:
        delay = retry_delay(blog_settings.COMMENTS_NOTIFY_RETRY_SECONDS, attempt)
        try:
            queued = enqueue_later(send_moderation_email, delay, comment_id, attempt + 1)
        except Exception:
            logger.exception("Could not queue the next moderation email for comment %s", comment_id)
            queued = False
        if queued:
            logger.warning(
                "Could not send the moderation email for comment %s (attempt %s); trying again "
                "in %s",
                comment_id,
                attempt,
                delay,
                exc_info=True,
            )
            return
        why_not = _CANNOT_WAIT
    logger.error(
        "Could not send the moderation email for comment %s (attempt %s), and %s; the comment "
        "waits in the moderation queue",
        comment_id,
        attempt,
        why_not,
        exc_info=True,
    )


_NO_MORE_ATTEMPTS = "that was the last attempt (COMMENTS_NOTIFY_MAX_ATTEMPTS)"
_CANNOT_WAIT = "the task backend cannot run it later: it is not tried again"
