"""Moderation rules: what becomes of a new comment.

``CMS_BLOG["MODERATION_RULES"]`` lists dotted paths to callables ``rule(comment, request)``, run in
order on the unsaved comment (``comment.caught_by_bot_trap`` tells whether the page form's bot
traps caught it). A rule returns ``None`` (no opinion) or a pair ``(status, reason)`` with status
``"approved"``, ``"pending"`` or ``"spam"``; or it raises ``ValidationError`` to refuse the comment
with that message (nothing is stored). The most severe verdict wins (spam, then pending, then
approved) and its reason is stored on the comment for the moderators' queue; the first spam
verdict ends the run. With no verdict, the comment is approved.

The built-in rules below are WordPress's discussion settings; each leaves the comments of
moderators alone (as WordPress does), while a site's own rules see every comment, the admin's
replies included. See docs/comments.md for writing one.
"""

import logging
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from functools import cache, wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ..conf import blog_settings
from ..models.comments import Comment
from .policy import client_ip, is_moderator

logger = logging.getLogger(__name__)

Verdict = tuple[str, str]
Rule = Callable[[Comment, HttpRequest], Verdict | None]

SEVERITY = {Comment.Status.APPROVED: 0, Comment.Status.PENDING: 1, Comment.Status.SPAM: 2}
# WordPress counts links by their "//" (bare "www." addresses are linked by urlize too).
LINK = re.compile(r"(?:https?:)?//|\bwww\.", re.IGNORECASE)


@cache
def load_rule(path: str) -> Rule:
    """The rule a dotted path names; ``manage.py check`` reports paths that do not import."""
    rule = import_string(path)
    if not callable(rule):
        raise ImproperlyConfigured(f"The moderation rule {path} is not callable.")
    return rule


def moderate(comment: Comment, request: HttpRequest) -> Verdict:
    """Run ``MODERATION_RULES`` on the unsaved comment: its status and the reason for it (empty
    when approved without remark). Raises ``ValidationError`` when a rule refuses it."""
    status, reason = Comment.Status.APPROVED, ""
    for path in blog_settings.MODERATION_RULES:
        verdict = load_rule(path)(comment, request)
        if verdict is None:
            continue
        if not (isinstance(verdict, tuple) and len(verdict) == 2 and verdict[0] in SEVERITY):
            raise ImproperlyConfigured(
                f"The moderation rule {path} returned {verdict!r}: return None or a pair "
                "(status, reason) with status 'approved', 'pending' or 'spam'."
            )
        if SEVERITY[verdict[0]] > SEVERITY[status]:
            status, reason = verdict[0], str(verdict[1])
            if status == Comment.Status.SPAM:
                break
    return status, reason[: Comment._meta.get_field("moderation_reason").max_length]


def builtin(rule: Rule) -> Rule:
    """A built-in rule: a moderator's comment is none of its business."""

    @wraps(rule)
    def checked(comment: Comment, request: HttpRequest) -> Verdict | None:
        if is_moderator(comment.user):
            return None
        return rule(comment, request)

    return checked


def _matches(words: Iterable[str], comment: Comment, request: HttpRequest) -> bool:
    # WordPress matches each word as a case-insensitive substring of every field the reader sent.
    fields = [comment.author_name, comment.author_email, comment.author_url, comment.body]
    haystack = "\n".join([*fields, client_ip(request) or ""]).casefold()
    return any(word.strip() and word.strip().casefold() in haystack for word in words)


@builtin
def bot_traps(comment: Comment, request: HttpRequest) -> Verdict | None:
    """The page form's honeypot or timestamp caught a bot: spam, silently."""
    if comment.caught_by_bot_trap:
        return Comment.Status.SPAM, _("spam: caught by the bot trap")
    return None


@builtin
def disallowed_words(comment: Comment, request: HttpRequest) -> Verdict | None:
    """WordPress's "Disallowed Comment Keys": ``COMMENTS_DISALLOWED_WORDS`` mark spam."""
    if _matches(blog_settings.COMMENTS_DISALLOWED_WORDS, comment, request):
        return Comment.Status.SPAM, _("spam: disallowed word")
    return None


@builtin
def moderate_all(comment: Comment, request: HttpRequest) -> Verdict | None:
    """``COMMENTS_MODERATION = "all"``: every comment waits for a moderator."""
    if blog_settings.COMMENTS_MODERATION == "all":
        return Comment.Status.PENDING, _("held: every comment is moderated")
    return None


@builtin
def too_many_links(comment: Comment, request: HttpRequest) -> Verdict | None:
    """Hold a comment with ``COMMENTS_MAX_LINKS`` links or more (``0``: no limit)."""
    limit = blog_settings.COMMENTS_MAX_LINKS
    links = len(LINK.findall(comment.body))
    if limit and links >= limit:
        return Comment.Status.PENDING, _("held: %(count)d links") % {"count": links}
    return None


@builtin
def moderation_words(comment: Comment, request: HttpRequest) -> Verdict | None:
    """WordPress's "Comment Moderation" words: ``COMMENTS_MODERATION_WORDS`` hold a comment."""
    if _matches(blog_settings.COMMENTS_MODERATION_WORDS, comment, request):
        return Comment.Status.PENDING, _("held: moderation word")
    return None


@builtin
def first_time_commenter(comment: Comment, request: HttpRequest) -> Verdict | None:
    """``COMMENTS_MODERATION = "first-time"``: hold a commenter's first comment."""
    if blog_settings.COMMENTS_MODERATION == "first-time" and not _previously_approved(comment):
        return Comment.Status.PENDING, _("held: first comment")
    return None


def _previously_approved(comment: Comment) -> bool:
    """WordPress's "comment author must have a previously approved comment": an approved comment
    with the same name AND email. An email that belongs to a user account counts only for that
    user, logged in (then their approved comments count): anybody can type the blog owner's
    address, which the admin's replies carry."""
    user_model = get_user_model()
    account_ids = set(
        user_model._default_manager.filter(
            **{f"{user_model.get_email_field_name()}__iexact": comment.author_email}
        ).values_list("pk", flat=True)
    )
    approved = Comment.objects.public()
    if account_ids:
        return comment.user_id in account_ids and approved.filter(user_id=comment.user_id).exists()
    return approved.filter(
        author_name__iexact=comment.author_name, author_email__iexact=comment.author_email
    ).exists()


@builtin
def spam_checker(comment: Comment, request: HttpRequest) -> Verdict | None:
    """Ask ``COMMENTS_SPAM_CHECKER`` (a dotted path to ``check(comment, request) -> bool``): spam
    when it says so; held when it fails or takes longer than ``COMMENTS_SPAM_CHECK_TIMEOUT``."""
    if not blog_settings.COMMENTS_SPAM_CHECKER:
        return None
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        checker: Any = import_string(blog_settings.COMMENTS_SPAM_CHECKER)
        future = executor.submit(checker, comment, request)
        if future.result(timeout=blog_settings.COMMENTS_SPAM_CHECK_TIMEOUT):
            return Comment.Status.SPAM, _("spam: flagged by the spam checker")
        return None
    except FutureTimeoutError:
        logger.warning("Spam checker timed out; comment held for moderation.")
    except Exception:
        logger.exception("Spam checker failed; comment held for moderation.")
    finally:
        # Never wait for a slow checker: it finishes (or not) in its thread.
        executor.shutdown(wait=False)
    return Comment.Status.PENDING, _("held: the spam checker did not answer")
