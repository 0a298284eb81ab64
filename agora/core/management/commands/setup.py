"""`agora setup`: migrate, collect static files, and load demo data into an empty database."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from agora.accounts.models import User


class Command(BaseCommand):
    help = "Prepare the database: migrate, and load demo data when it has no people."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Never load demo data.")

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database is up to date.")
        if not options["no_demo"] and not User.objects.exists():
            call_command("demo")
