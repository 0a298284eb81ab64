"""Prepare one database for the bench (run in a child process per database).

    python -m bench.prepare <scale> <output.json>

With the environment that the servers will get (``DATABASE_URL``,
``AGORA_VAR_DIR``…): migrate, generate the organization, sign in the bench
member (a session row and an API token, as a browser and a script would
hold), check each measured URL answers 200 through Django's test client and
count its SQL queries, then write the targets to `output.json`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Target:
    """A URL to load, with the headers that sign the request in."""

    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    queries: int = -1


def main(argv: list[str]) -> None:
    scale_name, output = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.settings")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from bench.generate import generate
    from bench.scale import SCALES

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    generated = generate(SCALES[scale_name], log=lambda line: print(line, flush=True))
    if connection.vendor == "postgresql":
        # Autovacuum would analyze the new rows soon; measure with the statistics in place.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    done = time.perf_counter()
    counts = ", ".join(f"{n:,} {what}" for what, n in generated.counts.items())
    print(
        f"  migrated in {migrated - started:.1f} s; generated {counts} in {done - migrated:.1f} s",
        flush=True,
    )
    targets = make_targets(generated)
    for target in targets:
        target.queries = count_queries(target)
    Path(output).write_text(
        json.dumps(
            {
                "generation_s": round(done - migrated, 2),
                "counts": generated.counts,
                "targets": [asdict(t) for t in targets],
            },
            indent=2,
        )
    )


def make_targets(generated) -> list[Target]:
    """Sign in the bench member and return the four URLs the bench loads."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from agora.accounts.actions import create_access_token
    from agora.accounts.models import User
    from agora.core.events import deliver
    from agora.core.models import Event

    viewer = User.objects.get(pk=generated.viewer_id)
    # What a login through the form leaves behind: a session row naming the user.
    session = SessionStore()
    session[SESSION_KEY] = str(viewer.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = viewer.get_session_auth_hash()
    session.create()
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
    _token, key = create_access_token(user=viewer, name="bench")
    # No task worker runs during the bench: deliver the token event now.
    for event_id in Event.objects.filter(delivered_at__isnull=True).values_list("pk", flat=True):
        deliver(event_id)
    return [
        # The floor runs the whole middleware stack but no query: no session cookie.
        Target("floor", "/bench/floor"),
        Target("people", "/people/", cookie),
        Target("space_home", f"/spaces/{generated.busy_space_slug}/", cookie),
        Target("api_spaces", "/api/v1/spaces", {"Authorization": f"Bearer {key}"}),
    ]


def count_queries(target: Target) -> int:
    """Return the SQL queries of one request to `target` (after a warm-up request).

    Raises RuntimeError unless both answer 200.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    headers = {k: v for k, v in target.headers.items() if k != "Cookie"}
    if "Cookie" in target.headers:
        name, _eq, value = target.headers["Cookie"].partition("=")
        client.cookies[name] = value
    statuses = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target.path, headers=headers)
        statuses.append(response.status_code)
    if statuses != [200, 200]:
        raise RuntimeError(f"{target.name} ({target.path}) answered {statuses}, not 200.")
    return len(queries.captured_queries)


if __name__ == "__main__":
    main(sys.argv[1:])
