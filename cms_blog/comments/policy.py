"""Who may comment where: the one place for "is this post open", "may this comment be answered"
and "who is the commenter". The submission service, the discussion shown on the page, GraphQL and
the admin's reply all ask these questions here, so they can never disagree."""

import datetime
import ipaddress

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from ..conf import blog_settings
from ..models.comments import Comment
from ..models.swappable import get_post_model

CLOSED = _("Comments are closed.")
NOT_A_REPLY_TARGET = _("You can only reply to a published comment on this post.")
TOO_DEEP = _("This discussion cannot be nested any deeper; reply above.")
MODERATE_PERMISSION = "cms_blog.change_comment"


def comments_open(post: Page, request: HttpRequest | None = None) -> bool:
    """Whether the post takes new comments: comments are enabled for the site, allowed on the
    post, and the post is younger than ``COMMENTS_CLOSE_AFTER_DAYS`` (when set).

    Comments are for public posts only. Given the ``request``, the post must also be one of the
    visible posts of its site: a draft, an expired post or one behind a login or password is
    closed, even to a reader who may view it (one query). Leave ``request`` out only for a post
    read from the visible posts already, as the submission service and the GraphQL API do."""
    if not blog_settings.COMMENTS_ENABLED or not post.allow_comments:
        return False
    days = blog_settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and timezone.localdate() > post.date + datetime.timedelta(days=days):
        return False
    if request is not None:
        site = Site.find_for_request(request)
        return get_post_model().objects.visible(site).filter(pk=post.pk).exists()
    return True


def can_have_replies(comment: Comment) -> bool:
    """Whether a reply one level below the comment stays within ``COMMENTS_MAX_DEPTH`` (which
    counts the top level: ``1`` switches replies off)."""
    return comment.depth + 1 < blog_settings.COMMENTS_MAX_DEPTH


def reply_refusal(parent: Comment | None, post: Page) -> str | None:
    """Why a new comment may not answer ``parent`` (None: no such comment) on ``post``, or None
    when it may: replies go only to approved comments of the same post, within the depth
    limit."""
    if parent is None or not parent.is_approved or parent.post_id != post.pk:
        return str(NOT_A_REPLY_TARGET)
    if not can_have_replies(parent):
        return str(TOO_DEEP)
    return None


def is_moderator(user) -> bool:
    """A logged-in user who may moderate comments: their comments skip the built-in moderation
    rules and the flood limit, as a WordPress moderator's do."""
    return bool(user and user.is_authenticated and user.has_perm(MODERATE_PERMISSION))


def client_ip(request: HttpRequest) -> str | None:
    """The reader's IP address: from ``CMS_BLOG["TRUSTED_PROXY_HEADER"]`` when the site sits
    behind a proxy that sets it, else ``REMOTE_ADDR``. In an ``X-Forwarded-For`` list the
    rightmost entry is the one the trusted proxy appended; entries left of it are whatever the
    client sent and could be forged."""
    header = blog_settings.TRUSTED_PROXY_HEADER
    candidates = []
    if header and request.META.get(header):
        candidates.append(request.META[header].split(",")[-1].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
