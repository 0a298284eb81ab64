"""`agora rebuild_search_index`: write every search document again from the data."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from agora.search import documents
from agora.search.models import SearchDocument


class Command(BaseCommand):
    help = "Index every thread, reply, lesson and space for search (again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Only when the index has no documents yet."
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and SearchDocument.objects.exists():
            return
        count = documents.rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Search index: {count} documents.")
