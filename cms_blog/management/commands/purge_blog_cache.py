"""``manage.py purge_blog_cache [TAG ...]``: invalidate cache tags by hand, in Django's cache and
on the CDN; every answer of the blog when no tag is given (after a deploy that changed templates,
for one: the blog cannot see those changes)."""

from django.core.management.base import BaseCommand, CommandParser

from cms_blog.cache.invalidation import invalidate_now
from cms_blog.cache.tags import ALL


class Command(BaseCommand):
    help = (
        "Invalidate cache tags (post:12, comments:12, posts, tags…) in Django's cache and purge "
        f"them from the CDN; without a tag, {ALL!r}: every answer of the blog."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tags", nargs="*", help="The tags; none: every answer.")

    def handle(self, *args, tags: list[str], **options) -> None:
        tags = tags or [ALL]
        invalidate_now(tags)
        self.stdout.write(f"Invalidated {', '.join(sorted(tags))}.")
