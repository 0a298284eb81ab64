"""`agora refresh_expertise`: recompute expertise scores from their evidence.

Listeners keep the scores in step with every event; what they cannot follow is
time itself (evidence loses half its weight each year). Run this daily, e.g.
from cron, so scores decay; ``--all`` rebuilds everyone's rows from scratch
(after restoring a backup, or for data from before the experts app).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from agora.experts.models import Expertise
from agora.experts.scoring import refresh_everyone


class Command(BaseCommand):
    help = "Recompute expertise scores (daily, so old evidence decays)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every active person, not only those who already have scores.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only when no score exists yet (then everyone); used by `agora setup`.",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"]:
            if Expertise.objects.exists():
                return
            options["all"] = True
        count = refresh_everyone(only_scored=not options["all"])
        if options["verbosity"]:
            self.stdout.write(f"Refreshed the expertise of {count} people.")
