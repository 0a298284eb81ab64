"""`agora rebuild_people_index`: write every person's search document again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from agora.experts import people_index
from agora.experts.models import PersonDocument


class Command(BaseCommand):
    help = "Index every active person for the expert finder (again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Only when the index has no people yet."
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and PersonDocument.objects.exists():
            return
        count = people_index.rebuild()
        if options["verbosity"]:
            self.stdout.write(f"People index: {count} people.")
