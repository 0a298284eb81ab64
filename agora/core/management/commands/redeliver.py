"""`agora redeliver`: deliver the events a crash or a failing listener left behind.

`agora serve` does this when it starts. Production, which runs the worker
on its own (`agora db_worker`), runs this before starting the worker and
from a timer, with ``--older-than`` so that fresh events stay the worker's.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from agora.core.events import redeliver_pending


class Command(BaseCommand):
    help = "Deliver events that were never delivered (the event log is the outbox)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Only events at least this old (default 0: all of them).",
        )

    def handle(self, *args, **options) -> None:
        count = redeliver_pending(older_than=timedelta(seconds=options["older_than"]))
        self.stdout.write(f"Delivered {count} pending events.")
