"""The only way a comment is made: by a reader (the page form, GraphQL), by staff answering in the
admin, or by an import.

``submit_comment`` and ``reply_as_staff`` validate the text, check that the post is open and the
reply target may be answered (``policy.py``), refuse floods and duplicates, let the moderation rules
decide the status (``rules.py``) and store the comment in one transaction. Side effects (signals,
the moderators' email) run after commit, so a refused or rolled-back submission never notifies
anybody. ``import_comments`` stores comments as they were elsewhere, with none of those rules.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from ..conf import blog_settings
from ..models.comments import Comment, announce_approval, purge_discussion_pages
from ..models.swappable import get_post_model
from .forms import CommentForm
from .notifications import notify_moderators
from .policy import CLOSED, client_ip, comments_open, is_moderator, reply_refusal
from .rules import moderate
from .signals import comment_posted

_FLOOD_KEY = "cms_blog:comment-flood:{kind}:{digest}"

TOO_FAST = _("You are posting comments too quickly. Slow down.")
DUPLICATE = _("Duplicate comment detected; it looks as though you’ve already said that!")
NO_SUCH_POST = _("This post does not exist or is not published.")
SAID_ONCE = "cms_blog_comment_said_once"  # the constraint that stores a comment once


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


class Refused(Exception):
    """A submission refused for one field (or ``"__all__"``); nothing was stored."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.errors = {key: [str(message)]}


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
    """Validate a reader's comment, run the moderation rules and store it.

    Refusals (invalid fields, closed or invisible post, bad reply target, flooding, duplicates, a
    rule's ``ValidationError``) return errors and store nothing. Accepted comments are stored
    approved, pending or spam; ``is_bot`` (the page form's traps) is what the ``bot_traps`` rule
    reads."""
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
    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    try:
        with flood_claims() as claimed, durable():
            post = visible_post(request, post_id)
            parent = None
            if parent_id is not None:
                parent = Comment.objects.filter(pk=parent_id, post=post).first()
                if refusal := reply_refusal(parent, post):
                    raise Refused("parent_id", refusal)
            comment = Comment(post=post, parent=parent, user=user, **form.cleaned_data)
            comment.caught_by_bot_trap = is_bot
            return SubmissionResult(comment=_store(comment, request, claimed))
    except Refused as refusal:
        return SubmissionResult(errors=refusal.errors)


def reply_as_staff(request: HttpRequest, parent: Comment, body: str) -> SubmissionResult:
    """The admin's "Reply": the logged-in user answers ``parent`` under the same rules as readers
    (a site's moderation rules included). Replying to a pending comment approves it first, as
    WordPress's "Approve and Reply" does, in the same transaction; only a moderator may."""
    user = request.user
    form = CommentForm(
        data={
            "author_name": user.get_full_name() or user.get_username(),
            "author_email": user.email,
            "body": body,
        }
    )
    form.fields["author_email"].required = False  # an account may have no email
    if not form.is_valid():
        return SubmissionResult(errors={name: list(errs) for name, errs in form.errors.items()})
    try:
        with flood_claims() as claimed, durable():
            post = visible_post(request, parent.post_id)
            if parent.status == Comment.Status.PENDING and is_moderator(user):
                parent.approve()
            if refusal := reply_refusal(parent, post):
                raise Refused("parent_id", refusal)
            comment = Comment(post=post, parent=parent, user=user, **form.cleaned_data)
            return SubmissionResult(comment=_store(comment, request, claimed))
    except Refused as refusal:
        return SubmissionResult(errors=refusal.errors)


@dataclass
class ImportedComment:
    """A comment brought from another system, as it was there. Its parent is another comment of
    the same import (``parent_key``) or one stored before (``parent_pk``)."""

    key: int
    parent_key: int | None
    parent_pk: int | None
    author_name: str
    author_email: str
    author_url: str
    body: str
    status: str
    created_at: datetime.datetime
    ip_address: str | None = None
    user_agent: str = ""
    user_id: int | None = None

    def fields(self) -> dict:
        return {
            "author_name": self.author_name,
            "author_email": self.author_email,
            "author_url": self.author_url,
            "body": self.body,
            "status": self.status,
            "created_at": self.created_at,
            # When it was approved is not known: its own date.
            "approved_at": self.created_at if self.status == Comment.Status.APPROVED else None,
            "ip_address": self.ip_address if blog_settings.COMMENTS_STORE_IP else None,
            "user_agent": self.user_agent[:255],
            "user_id": self.user_id,
        }


def import_comments(post_id: int, comments: list[ImportedComment]) -> dict[int, int]:
    """Store comments of one post as they were elsewhere (parents before their replies): their
    status and dates kept, no moderation rules, flood limit, signal or email, threads at any depth
    (the depth limit governs new replies only). Returns the comment id of each key.

    A few queries whatever their number, as an import of 40,000 comments needs: one INSERT per
    thread level (each level knows its parents' ids), then their thread paths in one UPDATE;
    ``Comment.save()`` is not called, so what it derives (``depth``, ``path``, ``approved_at``)
    is set here the same way. The same words from the same email twice on the post (which the
    database stores once) become one comment: both keys get its id, and replies to either hang
    under it."""
    # What is stored already: parents of this import, and the post's comments it may repeat.
    stored = {
        row.pk: row
        for row in Comment.objects.filter(
            Q(post_id=post_id)
            | Q(pk__in={comment.parent_pk for comment in comments if comment.parent_pk})
        ).only("pk", "author_email", "body", "depth", "path")
    }
    said = {
        (row.author_email.lower(), row.body): row for row in stored.values() if row.author_email
    }
    rows: dict[int, Comment] = {}  # key -> the row stored for it (a twin's: the one it repeats)
    new: list[tuple[ImportedComment, Comment]] = []
    for comment in comments:
        if comment.parent_key is not None:
            parent = rows[comment.parent_key]
        else:
            parent = stored.get(comment.parent_pk)
        said_as = (comment.author_email.lower(), comment.body)
        if comment.author_email and said_as in said:
            rows[comment.key] = said[said_as]
            continue
        row = Comment(
            post_id=post_id,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            **comment.fields(),
        )
        rows[comment.key] = row
        if comment.author_email:
            said[said_as] = row
        new.append((comment, row))
    levels: dict[int, list[Comment]] = defaultdict(list)
    for _comment, row in new:
        levels[row.depth].append(row)
    for depth in sorted(levels):
        # Each level after its parents', whose ids the INSERT then knows.
        Comment.objects.bulk_create(levels[depth])
        for row in levels[depth]:
            row.path = f"{row.parent.path if row.parent else ''}{row.pk}/"
    Comment.objects.bulk_update([row for _comment, row in new], ["path"], batch_size=500)
    if any(row.is_approved for _comment, row in new):
        purge_discussion_pages([post_id])
    return {key: row.pk for key, row in rows.items()}


@contextmanager
def flood_claims() -> Iterator[list[str]]:
    """The flood slots a submission takes, given back when it fails with an error (a database
    fault): nothing was stored, and the reader's retry must not be refused as too fast."""
    claimed: list[str] = []
    try:
        yield claimed
    except Refused:
        raise
    except BaseException:
        cache.delete_many(claimed)
        raise


@contextmanager
def durable() -> Iterator[None]:
    """``transaction.atomic()`` that raises unless its work is still to be committed.

    Django rolls a transaction back without a word when an error inside it was caught and
    swallowed (by a signal receiver, a task the immediate backend runs in place) after its
    connection died: the savepoint cannot be rolled back, the transaction is marked for rollback
    or the connection closed, and the outermost block then exits quietly. The comment would be
    confirmed and never stored. Checked as the block's last step, that becomes a service fault:
    503, nothing confirmed. A failing COMMIT raises by itself."""
    with transaction.atomic():
        yield
        if transaction.get_rollback() or connection.closed_in_transaction:
            raise OperationalError("The transaction was lost before it could commit.")


def visible_post(request: HttpRequest, post_id: int) -> Page:
    """The open, visible post of the request's site with this id; ``Refused`` otherwise."""
    post = get_post_model().objects.visible(Site.find_for_request(request)).filter(pk=post_id)
    post = post.first()
    if post is None:
        raise Refused("post_id", NO_SUCH_POST)
    if not comments_open(post):
        raise Refused("__all__", CLOSED)
    return post


def _store(comment: Comment, request: HttpRequest, claimed: list[str]) -> Comment:
    """Refuse duplicates and floods (the flood slots taken go in ``claimed``), run the rules,
    save, and announce after commit."""
    if Comment.objects.filter(
        post=comment.post, author_email__iexact=comment.author_email, body=comment.body
    ).exists():
        raise Refused("__all__", DUPLICATE)
    ip = client_ip(request)
    if not is_moderator(comment.user) and not _claim_flood_slots(ip, comment.author_email, claimed):
        raise Refused("__all__", TOO_FAST)
    try:
        comment.status, comment.moderation_reason = moderate(comment, request)
    except ValidationError as error:
        raise Refused("__all__", " ".join(error.messages)) from None
    comment.ip_address = ip if blog_settings.COMMENTS_STORE_IP else None
    comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[:255]
    try:
        with transaction.atomic():  # a savepoint: the request's transaction stays usable
            comment.save()
    except IntegrityError as error:
        # An identical submission committed in between the check above and this insert.
        if SAID_ONCE not in str(error):
            raise
        raise Refused("__all__", DUPLICATE) from None
    transaction.on_commit(lambda: _announce(comment, request), robust=True)
    return comment


def _claim_flood_slots(ip: str | None, email: str, claimed: list[str]) -> bool:
    """Mark this IP and email as having just posted; False when either posted within
    ``COMMENTS_FLOOD_SECONDS`` (True while the cache is unreachable: fail open). ``cache.add``
    is atomic, so this holds across processes on a shared cache (Redis). Keys hold digests: the
    cache never stores an address in clear."""
    seconds = blog_settings.COMMENTS_FLOOD_SECONDS
    if not seconds:
        return True
    for kind, value in (("ip", ip), ("email", email.lower())):
        if not value:
            continue
        key = _FLOOD_KEY.format(kind=kind, digest=hashlib.sha256(value.encode()).hexdigest())
        # False: the key is there, a comment came within the limit. None: django-redis could not
        # reach Redis (IGNORE_EXCEPTIONS); the limit is then not enforced (docs/production.md).
        if cache.add(key, 1, timeout=seconds) is False:
            # Give back what this refused attempt claimed, so it cannot extend anybody's wait.
            cache.delete_many(claimed)
            return False
        claimed.append(key)
    return True


def _announce(comment: Comment, request: HttpRequest) -> None:
    comment_posted.send(sender=Comment, comment=comment, request=request)
    if comment.is_approved:
        announce_approval(comment)
    elif comment.status == Comment.Status.PENDING:
        notify_moderators(comment)
