"""`agora demo`: build the demo organization (people, skills, spaces, activity)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load a believable demo organization. Refused in production settings."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production settings.")
        from agora.demo import build_demo

        summary = build_demo()
        self.stdout.write(self.style.SUCCESS(summary))
