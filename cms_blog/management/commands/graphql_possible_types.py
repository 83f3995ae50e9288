"""Print the possible types of a GraphQL schema's interfaces and unions (Apollo Client's
``possibleTypes``), for client caches that match fragments without introspecting."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from cms_blog.graphql.possible_types import POSSIBLE_TYPES_FILE, possible_types_json


class Command(BaseCommand):
    help = (
        "Print the possibleTypes of a GraphQL schema (default: the blog's) as JSON; "
        f"the blog's own are shipped in {POSSIBLE_TYPES_FILE.name}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schema",
            default="cms_blog.graphql.schema.schema",
            help="Dotted path of the graphene schema (a host site's combined schema, say).",
        )
        parser.add_argument("--out", help="Write to this file instead of standard output.")

    def handle(self, *args, schema: str, out: str | None, **options) -> None:
        text = possible_types_json(import_string(schema))
        if out:
            with open(out, "w") as file:
                file.write(text)
        else:
            self.stdout.write(text, ending="")
