"""Reader comments, threaded and moderated.

Moderation transitions (approve, mark as spam, trash, restore) are methods of the model and of its
queryset, so the admin, management commands and scripts all move comments the same way and the
``comment_approved`` and ``comment_removed`` signals are sent whichever path moved a comment.
Each locks the rows it moves and decides from their stored status, so two moderators acting on
one comment at once end in one state, announced once.
Whenever a post's public discussion changes, ``discussion_changed`` is sent and its page is purged
from Wagtail's frontend cache, if the site uses one.
"""

import copy
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import MD5, Lower
from django.utils import timezone
from django.utils.html import Urlizer, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from ..comments.signals import comment_approved, comment_removed, discussion_changed
from . import swappable


class _CommentUrlizer(Urlizer):
    # Django's urlize only knows rel="nofollow"; links written by readers also carry "ugc", the
    # hint search engines read for user-generated content.
    url_template = '<a href="{href}" rel="nofollow ugc">{url}</a>'


_urlize = _CommentUrlizer()
# Long URLs are shortened in the link text only, so they cannot break the page's layout.
_URL_TEXT_LIMIT = 60


@lru_cache(maxsize=4096)
def render_body(body: str) -> SafeString:
    """A comment's body as safe HTML: escaped, in paragraphs with line breaks, bare URLs linked
    with ``rel="nofollow ugc"``. The body is never trusted: it is escaped before anything else.
    Kept per process for the bodies rendered last: urlize is most of the cost of showing a
    comment, and a body renders the same every time."""
    linked = _urlize(body, trim_url_limit=_URL_TEXT_LIMIT, autoescape=True)
    return mark_safe(linebreaks(linked))


def _url_scheme(value: str) -> str | None:
    """The URL's scheme, lower-cased, or None when the address does not parse (``http://[::1``:
    an unclosed IPv6 host makes ``urlsplit`` raise)."""
    try:
        return urlsplit(value).scheme.lower()
    except ValueError:
        return None


# Characters no website address needs and that markup would have to escape.
_UNSAFE_IN_URL = frozenset('"<>`\\')


def validate_web_url(value: str) -> None:
    """Only http(s) websites with a host: never ``javascript:``, ``data:``, ``ftp:``…, and no
    quotes, angle brackets, backticks, backslashes or white space.

    An address that does not parse at all is left to Django's ``URLValidator``, which every URL
    field (form or model) runs beside this one and which reports it as "Enter a valid URL.":
    raising here too would show the reader the same error twice. Internationalised host names
    are that validator's too (it accepts them in Unicode and as punycode)."""
    if _UNSAFE_IN_URL & set(value) or any(char.isspace() for char in value):
        raise ValidationError(
            _("Enter a website address without quotes, angle brackets or spaces."),
            code="unsafe_character",
        )
    scheme = _url_scheme(value)
    if scheme is not None and scheme not in ("http", "https"):
        raise ValidationError(
            _("Enter a website address starting with http:// or https://."), code="scheme"
        )


class CommentQuerySet(models.QuerySet):
    def public(self) -> "CommentQuerySet":
        """The comments anyone may read: approved ones. Every public path uses this."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self) -> "CommentQuerySet":
        """The moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

    def with_author_roles(self) -> "CommentQuerySet":
        """Annotate ``by_post_owner`` (written by the post's owner) and ``by_staff`` (written by a
        user who may moderate comments), which ``Comment.author_badge`` shows; same query."""
        can_moderate = Permission.objects.filter(
            content_type__app_label="cms_blog", codename="change_comment"
        ).filter(Q(user=OuterRef("user")) | Q(group__user=OuterRef("user")))
        return self.annotate(
            by_post_owner=ExpressionWrapper(
                Q(user__isnull=False, user_id=F("post__owner_id")), output_field=BooleanField()
            ),
            by_staff=ExpressionWrapper(
                Q(user__is_superuser=True) | Q(user__is_staff=True) | Exists(can_moderate),
                output_field=BooleanField(),
            ),
        )

    def approve(self) -> int:
        """Approve every comment of the queryset; ``comment_approved`` is sent (after commit) for
        each comment that was not approved yet. Returns the number of comments changed."""
        with transaction.atomic():
            newly_approved = self.exclude(status=Comment.Status.APPROVED)._locked()
            now = timezone.now()
            changed = self.filter(pk__in=[c.pk for c in newly_approved]).update(
                status=Comment.Status.APPROVED, approved_at=now
            )
            for comment in newly_approved:
                comment.status, comment.approved_at = Comment.Status.APPROVED, now
                announce_approval(comment)
            purge_discussion_pages(comment.post_id for comment in newly_approved)
        return changed

    def mark_spam(self) -> int:
        """Move the comments to spam; they disappear from the public thread."""
        return self._set_status(Comment.Status.SPAM)

    def trash(self) -> int:
        """Move the comments to the trash; they disappear from the public thread."""
        return self._set_status(Comment.Status.TRASH)

    def restore(self) -> int:
        """Take spam or trashed comments back to the moderation queue (never straight to public:
        a moderator approves them from there)."""
        return self.filter(status__in=[Comment.Status.SPAM, Comment.Status.TRASH])._set_status(
            Comment.Status.PENDING
        )

    def _set_status(self, status: str) -> int:
        with transaction.atomic():
            changing = self.exclude(status=status)._locked()
            leaving = [comment for comment in changing if comment.is_approved]
            purge_discussion_pages(comment.post_id for comment in leaving)
            changed = self.filter(pk__in=[c.pk for c in changing]).update(
                status=status, approved_at=None
            )
            for comment in leaving:
                comment.status = status
                announce_removal(comment)
        return changed

    def _locked(self) -> list["Comment"]:
        """The comments, locked until the transaction ends, as they are once any moderator
        acting on them at the same moment has committed: a transition decides what it changes
        (and announces) from this, never from a read another transaction can overtake. Locked
        in id order, so that two bulk actions cannot deadlock. (SQLite, which has no row locks,
        runs one writing transaction at a time.)"""
        return list(self.select_for_update(of=("self",)).order_by("pk"))


def purge_discussion_pages(post_ids: Iterable[int]) -> None:
    """Once the transaction commits, send ``discussion_changed`` for these posts (the blog's cache
    invalidation) and purge their pages from Wagtail's frontend cache
    (``wagtail.contrib.frontend_cache``), when the site uses it: their public discussion changed."""
    post_ids = set(post_ids)
    if not post_ids:
        return
    transaction.on_commit(
        lambda: discussion_changed.send(sender=Comment, post_ids=post_ids), robust=True
    )
    if not apps.is_installed("wagtail.contrib.frontend_cache"):
        return

    def purge() -> None:
        from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache

        posts = swappable.get_post_model().objects.live().filter(pk__in=post_ids)
        purge_pages_from_cache(posts)

    transaction.on_commit(purge, robust=True)


def announce_removal(comment: "Comment") -> None:
    """Send ``comment_removed`` for a comment that just left the public thread, once the
    transaction commits."""
    transaction.on_commit(
        lambda: comment_removed.send(sender=Comment, comment=comment), robust=True
    )


def announce_approval(comment: "Comment") -> None:
    """Send ``comment_approved`` for a comment that just became public, once the transaction
    commits. The moderation transitions call it; call it too if you approve by other means."""
    transaction.on_commit(
        lambda: comment_approved.send(sender=Comment, comment=comment), robust=True
    )


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    post = models.ForeignKey(
        swappable.POST,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("post"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    # Kept so that threads are read without walking up the parents: 0 for a top-level comment.
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    # The ids from the top of the thread down to this comment, "12/45/78/": a page of threads
    # loads its replies, and a count skips replies under hidden comments, in one query each.
    path = models.TextField(_("thread path"), blank=True, editable=False)
    author_name = models.CharField(_("name"), max_length=245)
    author_email = models.EmailField(_("email"), max_length=100)
    author_url = models.URLField(
        _("website"), max_length=200, blank=True, validators=[validate_web_url]
    )
    body = models.TextField(_("comment"), max_length=65525)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Why the moderation rules held the comment or marked it as spam, for the moderators' queue.
    moderation_reason = models.CharField(_("moderation note"), max_length=255, blank=True)
    # Set on creation; a default rather than auto_now_add, so that imports keep the original dates.
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blog_comments",
        verbose_name=_("user"),
    )

    objects = CommentQuerySet.as_manager()

    # Set by the page form's bot traps on a new comment, for the bot_traps moderation rule.
    caught_by_bot_trap = False

    # Wagtail's reference index ("used by" in the admin) has nothing to learn from reader comments,
    # and updating it ran a task inside the submission's transaction on every comment.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["post", "status", "created_at"], name="cms_blog_comment_thread"),
            models.Index(fields=["status", "created_at"], name="cms_blog_comment_queue"),
            models.Index(fields=["author_email"], name="cms_blog_comment_email"),
            models.Index(fields=["post", "path"], name="cms_blog_comment_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "trash"]),
                name="cms_blog_comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="cms_blog_comment_not_own_parent"
            ),
            # depth is derived from parent; the two can never disagree about "top level".
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="cms_blog_comment_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=~Q(author_name=""), name="cms_blog_comment_author_name_required"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="cms_blog_comment_approved_has_date",
            ),
            # The same words from the same email on the same post are stored once, however many
            # identical submissions race (an erased commenter's blank email excepted).
            models.UniqueConstraint(
                "post",
                Lower("author_email"),
                MD5("body"),
                condition=~Q(author_email=""),
                name="cms_blog_comment_said_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:50]}"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"parent", "post"} & set(update_fields):
            self._place_in_thread()
        if not self.is_approved:
            self.approved_at = None
        elif self.approved_at is None:
            self.approved_at = timezone.now()
        super().save(*args, **kwargs)
        if not self.path:
            # The comment's own id ends its path: known only once it is stored.
            parent_path = self.parent.path if self.parent_id else ""
            self.path = f"{parent_path}{self.pk}/"
            type(self).objects.filter(pk=self.pk).update(path=self.path)
        if self._was_or_is_public:
            purge_discussion_pages([self.post_id])
        if getattr(self, "_stored_status", None) == self.Status.APPROVED and not self.is_approved:
            announce_removal(self)
        self._stored_status = self.status

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            # The status as stored once a moderator moving it at this moment has committed,
            # locked, not this instance's: an approval it never saw is taken back with the
            # comment, a removal it never saw is not announced twice.
            stored = type(self).objects.filter(pk=self.pk)._locked()
            if stored and stored[0].is_approved:
                purge_discussion_pages([self.post_id])
                # A copy: Django clears the id of the deleted instance, receivers want to know it.
                announce_removal(copy.copy(self))
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs) -> "Comment":
        # Django 6.1 passes more (its fetch mode): whatever it passes goes on.
        comment = super().from_db(db, field_names, values, *args, **kwargs)
        # The status as stored, to tell when a save or delete changes the public discussion.
        comment._stored_status = comment.__dict__.get("status")
        return comment

    @property
    def _was_or_is_public(self) -> bool:
        return self.is_approved or getattr(self, "_stored_status", None) == self.Status.APPROVED

    def _place_in_thread(self) -> None:
        # A reply always lives on its parent's post, one level below it. Derived here so that
        # scripts (``Comment.objects.create(parent=...)``) cannot store an inconsistent thread.
        if self.parent_id is None:
            self.depth, self.path = 0, f"{self.pk}/" if self.pk else ""
            return
        if self.post_id is None:
            self.post_id = self.parent.post_id
        elif self.parent.post_id != self.post_id:
            raise ValidationError(
                {"parent": _("A reply must be on the same post as its parent comment.")}
            )
        self.depth = self.parent.depth + 1
        self.path = f"{self.parent.path}{self.pk}/" if self.pk else ""

    @property
    def body_html(self) -> SafeString:
        """The body as safe HTML (``render_body``)."""
        return render_body(self.body)

    @property
    def public_author_url(self) -> str | None:
        """The author's website when it is an http(s) URL, else None (never ``javascript:``)."""
        if self.author_url and _url_scheme(self.author_url) in ("http", "https"):
            return self.author_url
        return None

    @property
    def author_badge(self) -> str | None:
        """ "Author" for the post's owner, "Staff" for a moderator, else None. Needs the
        annotations of ``CommentQuerySet.with_author_roles()``."""
        if getattr(self, "by_post_owner", False):
            return _("Author")
        if getattr(self, "by_staff", False):
            return _("Staff")
        return None

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def approve(self) -> None:
        """Publish the comment; sends ``comment_approved`` after commit."""
        self._move(type(self).objects.filter(pk=self.pk).approve)

    def mark_spam(self) -> None:
        self._move(type(self).objects.filter(pk=self.pk).mark_spam)

    def trash(self) -> None:
        self._move(type(self).objects.filter(pk=self.pk).trash)

    def restore(self) -> None:
        """Back to the moderation queue from spam or trash."""
        self._move(type(self).objects.filter(pk=self.pk).restore)

    def _move(self, transition) -> None:
        # Through the queryset's transition, which locks the row and decides from its stored
        # status: this instance's may be stale. It then learns the status it ended with.
        with transaction.atomic():
            transition()
            self.refresh_from_db(fields=["status", "approved_at"])
        self._stored_status = self.status
