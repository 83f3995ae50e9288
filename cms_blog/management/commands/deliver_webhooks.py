"""``manage.py deliver_webhooks``: send the webhook deliveries that are due (run it every minute
from cron, like Wagtail's ``publish_scheduled``, unless your task backend schedules retries)."""

from django.core.management.base import BaseCommand, CommandParser

from cms_blog.webhooks.delivery import deliver_due


class Command(BaseCommand):
    help = (
        "Attempt the webhook deliveries that are due: retries whose wait is over, and deliveries "
        "whose task never ran."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=100, help="The most deliveries to attempt (100)."
        )

    def handle(self, *args, limit: int, **options) -> None:
        count = deliver_due(limit=limit)
        self.stdout.write(f"Attempted {count} webhook delivery(ies).")
