"""`agora setup`: migrate, load demo data into an empty database (never in
production), and index for search what is not indexed yet."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from agora.accounts.models import User

NO_DEMO_IN_PRODUCTION = (
    "Production settings: no demo data. Create the first admin with `agora createsuperuser`."
)


class Command(BaseCommand):
    help = "Prepare the database: migrate, and load demo data when it has no people."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Never load demo data.")

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database is up to date.")
        if not options["no_demo"] and not User.objects.exists():
            if settings.PRODUCTION:
                self.stdout.write(NO_DEMO_IN_PRODUCTION)
            else:
                call_command("demo")
        # The demo's events are delivered later, by the worker; search finds
        # the demo (and data from before search existed) right away.
        call_command("rebuild_search_index", if_empty=True, verbosity=0)
        # Expertise scores for data from before the experts app (the demo
        # computes its own), then the people index, which lists them.
        call_command("refresh_expertise", if_empty=True, verbosity=0)
        call_command("rebuild_people_index", if_empty=True, verbosity=0)
