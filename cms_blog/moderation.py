"""The comment submission service and its policy, shared by the page form and GraphQL.

``submit_comment`` validates the reader's input, applies the moderation policy of
``CMS_BLOG`` (WordPress's rules and defaults) and stores the comment in one transaction. Side
effects (signals, the moderators' email) run after commit, so a refused or rolled-back submission
never notifies anybody. ``comment_threads`` and ``approved_comment_counts`` read the public
discussion of many posts in a constant number of queries.
"""

import datetime
import hashlib
import ipaddress
import logging
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .conf import blog_settings
from .forms import CommentForm
from .models import BlogPostPage, Comment, visible_posts
from .notifications import notify_moderators
from .signals import comment_approved, comment_posted

logger = logging.getLogger(__name__)

# WordPress counts links by their "//" (bare "www." addresses are linked by urlize too).
_LINK_RE = re.compile(r"(?:https?:)?//|\bwww\.", re.IGNORECASE)
_FLOOD_KEY = "cms_blog:comment-flood:{kind}:{digest}"

CLOSED = _("Comments are closed.")
TOO_FAST = _("You are posting comments too quickly. Slow down.")
DUPLICATE = _("Duplicate comment detected; it looks as though you’ve already said that!")


@dataclass
class SubmissionResult:
    """What became of a submission: the stored comment, or the errors that refused it.

    ``errors`` is keyed by the argument names of ``submit_comment`` (``post_id``, ``parent_id``,
    ``author_name``, ``author_email``, ``author_url``, ``body``) or ``"__all__"``."""

    comment: Comment | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        """True when the comment is public right away (approved)."""
        return self.comment is not None and self.comment.is_approved


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


def comments_open(post: BlogPostPage, request: HttpRequest | None = None) -> bool:
    """Whether the post takes new comments: comments are enabled for the site, allowed on the
    post, and the post is younger than ``CLOSE_AFTER_DAYS`` (when set).

    Comments are for public posts only. Given the ``request``, the post must also be one of
    ``visible_posts()`` of its site: a draft, an expired post or one behind a login or password
    is closed, even to a reader who may view it (one query). Leave ``request`` out only for a post
    read from ``visible_posts()`` already, as ``submit_comment`` and the GraphQL API do."""
    if not blog_settings.COMMENTS_ENABLED or not post.allow_comments:
        return False
    days = blog_settings.CLOSE_AFTER_DAYS
    if days and timezone.localdate() > post.date + datetime.timedelta(days=days):
        return False
    if request is not None:
        site = Site.find_for_request(request)
        return visible_posts(site).filter(pk=post.pk).exists()
    return True


def submit_comment(
    request: HttpRequest,
    *,
    post_id: int,
    parent_id: int | None = None,
    author_name: str,
    author_email: str,
    author_url: str = "",
    body: str,
    is_bot: bool = False,
) -> SubmissionResult:
    """Validate a reader's comment, apply the moderation policy and store it.

    Refusals (invalid fields, closed or invisible post, bad reply target, flooding, duplicates)
    return errors and store nothing. Accepted comments are stored approved, pending or spam; a
    comment from a bot (``is_bot``: the page form's traps) is silently stored as spam."""
    form = CommentForm(
        data={
            "author_name": author_name,
            "author_email": author_email,
            "author_url": author_url,
            "body": body,
        }
    )
    if not form.is_valid():
        return SubmissionResult(errors={name: list(errs) for name, errs in form.errors.items()})
    fields = form.cleaned_data

    with transaction.atomic():
        post = visible_posts(Site.find_for_request(request)).filter(pk=post_id).first()
        if post is None:
            return _refused("post_id", _("This post does not exist or is not published."))
        if not comments_open(post):
            return _refused("__all__", CLOSED)
        parent = None
        if parent_id is not None:
            parent = Comment.objects.public().filter(pk=parent_id, post=post).first()
            if parent is None:
                return _refused(
                    "parent_id", _("You can only reply to a published comment on this post.")
                )
            if parent.depth + 1 >= blog_settings.MAX_DEPTH:
                return _refused(
                    "parent_id", _("This discussion cannot be nested any deeper; reply above.")
                )
        if Comment.objects.filter(
            post=post, author_email__iexact=fields["author_email"], body=fields["body"]
        ).exists():
            return _refused("__all__", DUPLICATE)
        ip = client_ip(request)
        if not _claim_flood_slots(ip, fields["author_email"]):
            return _refused("__all__", TOO_FAST)

        user = (
            request.user
            if getattr(request, "user", None) and request.user.is_authenticated
            else None
        )
        comment = Comment(
            post=post,
            parent=parent,
            ip_address=ip if blog_settings.STORE_IP else None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            user=user,
            **fields,
        )
        comment.status = _status_for(comment, ip, is_bot, request)
        comment.save()
        transaction.on_commit(lambda: _announce(comment, request), robust=True)
    return SubmissionResult(comment=comment)


def _refused(key: str, message: str) -> SubmissionResult:
    return SubmissionResult(errors={key: [str(message)]})


def _claim_flood_slots(ip: str | None, email: str) -> bool:
    """Mark this IP and email as having just posted; False when either posted within
    ``FLOOD_SECONDS``. ``cache.add`` is atomic, so this holds across processes on a shared cache
    (Redis). Keys hold digests: the cache never stores an address in clear."""
    seconds = blog_settings.FLOOD_SECONDS
    if not seconds:
        return True
    claimed = []
    for kind, value in (("ip", ip), ("email", email.lower())):
        if not value:
            continue
        key = _FLOOD_KEY.format(kind=kind, digest=hashlib.sha256(value.encode()).hexdigest())
        if not cache.add(key, 1, timeout=seconds):
            # Give back what this refused attempt claimed, so it cannot extend anybody's wait.
            cache.delete_many(claimed)
            return False
        claimed.append(key)
    return True


def _matches(words: Iterable[str], comment: Comment, ip: str | None) -> bool:
    # WordPress matches each word as a case-insensitive substring of every field the reader sent.
    haystack = "\n".join(
        [comment.author_name, comment.author_email, comment.author_url, comment.body, ip or ""]
    ).casefold()
    return any(word.strip() and word.strip().casefold() in haystack for word in words)


def _status_for(comment: Comment, ip: str | None, is_bot: bool, request: HttpRequest) -> str:
    if is_bot or _matches(blog_settings.DISALLOWED_WORDS, comment, ip):
        return Comment.Status.SPAM
    status = _policy_status(comment, ip)
    if blog_settings.SPAM_CHECKER:
        verdict = _spam_check(comment, request)
        if verdict is True:
            return Comment.Status.SPAM
        if verdict is None:
            return Comment.Status.PENDING
    return status


def _policy_status(comment: Comment, ip: str | None) -> str:
    moderation = blog_settings.MODERATION
    max_links = blog_settings.MAX_LINKS
    if (
        moderation == "all"
        or (max_links and len(_LINK_RE.findall(comment.body)) >= max_links)
        or _matches(blog_settings.MODERATION_WORDS, comment, ip)
    ):
        return Comment.Status.PENDING
    if moderation == "first-time" and not _previously_approved(comment):
        return Comment.Status.PENDING
    return Comment.Status.APPROVED


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


def _spam_check(comment: Comment, request: HttpRequest) -> bool | None:
    """Ask the site's spam checker: True (spam), False (not spam) or None (it failed or took
    longer than ``SPAM_CHECK_TIMEOUT``: the comment waits for a human)."""
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        checker: Any = import_string(blog_settings.SPAM_CHECKER)
        future = executor.submit(checker, comment, request)
        return bool(future.result(timeout=blog_settings.SPAM_CHECK_TIMEOUT))
    except FutureTimeoutError:
        logger.warning("Spam checker timed out; comment held for moderation.")
    except Exception:
        logger.exception("Spam checker failed; comment held for moderation.")
    finally:
        # Never wait for a slow checker: it finishes (or not) in its thread.
        executor.shutdown(wait=False)
    return None


def _announce(comment: Comment, request: HttpRequest) -> None:
    comment_posted.send(sender=Comment, comment=comment, request=request)
    if comment.is_approved:
        comment_approved.send(sender=Comment, comment=comment)
    elif comment.status == Comment.Status.PENDING:
        notify_moderators(comment)


def comment_threads(post_ids: Iterable[int]) -> dict[int, list[Comment]]:
    """The public discussion of each post: approved top-level comments, oldest first, each with
    ``thread_replies`` (approved replies, oldest first, recursively).

    One query whatever the number of posts and comments: every approved comment of the posts is
    loaded at once (with the author roles ``author_badge`` needs) and the trees are assembled
    here. A reply whose parent is not approved is not shown: it would answer something readers
    cannot see."""
    post_ids = list(post_ids)
    threads: dict[int, list[Comment]] = {pk: [] for pk in post_ids}
    comments = list(
        Comment.objects.public()
        .filter(post_id__in=post_ids)
        .with_author_roles()
        .order_by("created_at", "pk")
    )
    by_id = {comment.pk: comment for comment in comments}
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.post_id].append(comment)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].thread_replies.append(comment)
    return threads


def approved_comment_counts(post_ids: Iterable[int]) -> dict[int, int]:
    """The number of comments each post shows (replies included), in one query: those of
    ``comment_threads``, so an approved reply to a comment that is not approved, which the thread
    leaves out, is not counted either."""
    return {pk: thread_size(threads) for pk, threads in comment_threads(post_ids).items()}


def thread_size(threads: list[Comment]) -> int:
    """How many comments threads from ``comment_threads`` hold, replies included."""
    return sum(1 + thread_size(comment.thread_replies) for comment in threads)
