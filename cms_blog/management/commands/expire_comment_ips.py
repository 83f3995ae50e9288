"""``manage.py expire_comment_ips``: clear the IP addresses stored with comments older than
``CMS_BLOG["COMMENTS_IP_RETENTION_DAYS"]``; run it daily (cron, a systemd timer)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cms_blog.conf import blog_settings
from cms_blog.models import Comment


class Command(BaseCommand):
    help = (
        "Clear the IP address of every comment written more than "
        "CMS_BLOG['COMMENTS_IP_RETENTION_DAYS'] days ago. The comment itself stays."
    )

    def handle(self, *args, **options) -> None:
        days = blog_settings.COMMENTS_IP_RETENTION_DAYS
        if days is None:
            raise CommandError(
                "Set CMS_BLOG['COMMENTS_IP_RETENTION_DAYS'] to the days to keep addresses."
            )
        cutoff = timezone.now() - timedelta(days=days)
        count = Comment.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
            ip_address=None
        )
        self.stdout.write(f"Cleared the IP address of {count} comment(s).")
