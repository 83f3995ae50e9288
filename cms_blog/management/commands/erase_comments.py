"""``manage.py erase_comments EMAIL``: anonymise every comment written with an email address."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cms_blog.models import Comment
from cms_blog.models.comments import purge_discussion_pages

ANONYMOUS = "Anonymous"


class Command(BaseCommand):
    help = (
        "Anonymise every comment written with the given email address: the name becomes "
        f"{ANONYMOUS!r}; email, website, IP address, user agent and user link are cleared. The "
        "text stays, so the discussion around it still reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The commenter's email address (case-insensitive).")

    def handle(self, *args, email: str, **options) -> None:
        if not email.strip():
            raise CommandError("Give the email address whose comments to erase.")
        with transaction.atomic():
            comments = Comment.objects.filter(author_email__iexact=email.strip())
            # Cached pages must not keep showing the erased name and website.
            purge_discussion_pages(comments.public().values_list("post_id", flat=True))
            count = comments.update(
                author_name=ANONYMOUS,
                author_email="",
                author_url="",
                ip_address=None,
                user_agent="",
                user=None,
            )
        self.stdout.write(f"Anonymised {count} comment(s).")
