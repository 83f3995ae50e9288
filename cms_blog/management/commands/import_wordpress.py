"""``manage.py import_wordpress EXPORT.xml --into BLOG_INDEX``: import a WordPress blog."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cms_blog.wordpress import store
from cms_blog.wordpress.importer import WordPressImporter
from cms_blog.wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR: Tools → Export → All content) under a blog index: "
        "posts with their state, tags, media and every comment with its thread. Running it "
        "again updates what changed. See docs/wordpress.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("export", type=Path, help="The WXR file WordPress exported.")
        parser.add_argument(
            "--into",
            required=True,
            metavar="BLOG_INDEX",
            help="The blog index to import into: its page id or its URL path (/blog/).",
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="A copy of the site's wp-content/uploads folder, to import the posts' images.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read everything and print what would be imported; write nothing.",
        )

    def handle(
        self, *args, export: Path, into: str, media_dir: Path | None, dry_run: bool, **options
    ) -> None:
        index = store.find_index(into)
        if index is None:
            raise CommandError(f"No blog index has the id or URL path {into!r}.")
        if not export.is_file():
            raise CommandError(f"{export} is not a file.")
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"--media-dir {media_dir} is not a folder.")
        verbosity = options["verbosity"]

        def progress(done: int, total: int, comments: int) -> None:
            if verbosity:
                self.stderr.write(f"{done:,}/{total:,} posts, {comments:,} comments")

        importer = WordPressImporter(
            export, index, media_dir=media_dir, dry_run=dry_run, progress=progress
        )
        try:
            summary = importer.run()
        except WXRError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        self.stdout.write("\n".join(summary.lines(verbosity)))
        if summary.errors:
            raise CommandError(f"{len(summary.errors)} post(s) could not be imported (see above).")
