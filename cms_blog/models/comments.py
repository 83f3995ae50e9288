"""Reader comments, threaded and moderated."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CommentQuerySet(models.QuerySet):
    def public(self) -> "CommentQuerySet":
        """The comments anyone may read: approved ones. Every public path uses this."""
        return self.filter(status=Comment.Status.APPROVED)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    post = models.ForeignKey(
        "cms_blog.BlogPostPage",
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
    author_name = models.CharField(_("name"), max_length=245)
    author_email = models.EmailField(_("email"), max_length=100)
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    body = models.TextField(_("comment"), max_length=65525)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
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

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["post", "status", "created_at"], name="cms_blog_comment_thread"),
            models.Index(fields=["status", "created_at"], name="cms_blog_comment_queue"),
            models.Index(fields=["author_email"], name="cms_blog_comment_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "trash"]),
                name="cms_blog_comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="cms_blog_comment_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:50]}"
