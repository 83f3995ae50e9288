"""``manage.py register_graphql_documents PATH ...``: store GraphQL documents (``.graphql``
files, or directories searched for them) as persisted queries for every server: clients may run
them by hash, and in allow-list mode (``GRAPHQL_PERSISTED_QUERIES = "allow-list"``) only
registered documents run."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from graphql import GraphQLError, parse, validate

from cms_blog.graphql.persisted import register_durably
from cms_blog.graphql.schema import schema


class Command(BaseCommand):
    help = (
        "Register GraphQL documents (.graphql files, or directories holding them) as persisted "
        "queries, runnable by their SHA-256; in allow-list mode, the only documents that run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help=".graphql files or directories.")

    def handle(self, *args, paths: list[str], **options) -> None:
        files = []
        for name in paths:
            path = Path(name)
            if path.is_dir():
                files += sorted(path.rglob("*.graphql"))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{name}: no such file or directory.")
        if not files:
            raise CommandError("No .graphql file found.")
        documents = {path: path.read_text(encoding="utf-8") for path in files}
        # Every document is checked before any is stored: a mistake registers nothing.
        for path, document in documents.items():
            try:
                errors = validate(schema.graphql_schema, parse(document))
            except GraphQLError as error:
                errors = [error]
            if errors:
                raise CommandError(f"{path}: {'; '.join(error.message for error in errors)}")
        for path, document in documents.items():
            digests = register_durably(document)
            self.stdout.write(f"{path}: {' '.join(digests)}")
