"""What the WordPress importer made of each item of an export, so that running it again updates
instead of duplicating (see docs/wordpress.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WordPressImportRecord(models.Model):
    """One imported post, comment or media file: its WordPress id, the object made of it and a
    fingerprint of the WordPress data it was made from.

    ``object_id`` is not a foreign key: it names a page, a comment or an image, whichever models
    the site uses. A record whose object was deleted since is treated as not imported."""

    class Kind(models.TextChoices):
        POST = "post", _("post")
        COMMENT = "comment", _("comment")
        MEDIA = "media", _("media file")

    # WordPress ids are unique within one WordPress site only: two blogs can both have a post 1.
    site_url = models.CharField(_("WordPress site"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A post's or comment's id; a media file's path under wp-content/uploads.
    wordpress_id = models.CharField(_("WordPress id"), max_length=255)
    object_id = models.PositiveBigIntegerField(_("imported as"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    # For posts: the revision the import saved (a later one means an editor changed the page),
    # the media files that were missing, the WordPress author when no user matched.
    details = models.JSONField(_("details"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("WordPress import record")
        verbose_name_plural = _("WordPress import records")
        constraints = [
            models.UniqueConstraint(
                fields=["site_url", "kind", "wordpress_id"], name="cms_blog_wordpress_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_url} {self.kind} {self.wordpress_id} → {self.object_id}"
