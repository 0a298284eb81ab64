"""System checks that keep deployments honest."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_services(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Warn when a deployment still runs on the embedded defaults."""
    warnings = []
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        warnings.append(Warning("DATABASE_URL is not set: running on SQLite.", id="agora.W001"))
    if not settings.REDIS_URL:
        warnings.append(
            Warning("REDIS_URL is not set: live updates work in one process only.", id="agora.W002")
        )
    return warnings
