"""``manage.py export_comments EMAIL``: every comment written with an email address, as JSON."""

import json

from django.core.management.base import BaseCommand, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from cms_blog.models import Comment


class Command(BaseCommand):
    help = (
        "Print, as JSON, every comment written with the given email address (any status), with "
        "all the personal data stored with it: for a reader's data access request."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The commenter's email address (case-insensitive).")

    def handle(self, *args, email: str, **options) -> None:
        comments = (
            Comment.objects.filter(author_email__iexact=email)
            .select_related("post")
            .order_by("created_at", "pk")
        )
        data = [
            {
                "id": comment.pk,
                "post": {"id": comment.post_id, "title": comment.post.title},
                "parent_id": comment.parent_id,
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": comment.author_url,
                "body": comment.body,
                "status": comment.status,
                "moderation_reason": comment.moderation_reason,
                "created_at": comment.created_at,
                "approved_at": comment.approved_at,
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
            }
            for comment in comments
        ]
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
