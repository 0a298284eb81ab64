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
    """A URL to load, with the headers that sign the request in (and a form to post)."""

    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    queries: int = -1
    method: str = "GET"
    body: str = ""
    # Targets of one group are loaded in interleaved slices (their ratios matter).
    group: str = ""


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
    """Sign in the bench member and return the URLs the bench loads.

    The thread page comes with its two floors, measured in the same run: the
    bare view (the middleware stack and the signed-in member, nothing else)
    and the raw-SQL floor (the same rows in one hand-written query, joined
    into HTML without a template), both from `bench.views`. Posting a reply
    is the htmx form post (a CSRF cookie and header, as the page's script
    sends), into a thread of its own so that the measured thread keeps its
    size.
    """
    from urllib.parse import urlencode

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

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
    csrf_secret = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    form = {
        "Cookie": f"{cookie['Cookie']}; {settings.CSRF_COOKIE_NAME}={csrf_secret}",
        "X-CSRFToken": csrf_secret,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    space = generated.busy_space_slug
    thread = f"/spaces/{space}/threads/{generated.thread_id}/"
    posting = f"/spaces/{space}/threads/{generated.posting_thread_id}/replies/"
    reply = urlencode(
        {"body": "Hello from the bench: *one* more reply, with [a link](https://example.org)."}
    )
    _token, key = create_access_token(user=viewer, name="bench")
    # No task worker runs during the bench: deliver the token event now.
    for event_id in Event.objects.filter(delivered_at__isnull=True).values_list("pk", flat=True):
        deliver(event_id)
    return [
        # The floor runs the whole middleware stack but no query: no session cookie.
        Target("floor", "/bench/floor"),
        Target("bare", "/bench/bare", cookie, group="thread"),
        Target("thread_sql", f"/bench/thread/{generated.thread_id}", cookie, group="thread"),
        Target("thread", thread, cookie, group="thread"),
        Target("post_reply", posting, form, method="POST", body=reply),
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

    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    headers = {k: v for k, v in target.headers.items() if k not in ("Cookie", "Content-Type")}
    for pair in target.headers.get("Cookie", "").split("; "):
        if pair:
            name, _eq, value = pair.partition("=")
            client.cookies[name] = value
    content_type = target.headers.get("Content-Type", "application/octet-stream")
    statuses = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.generic(
                target.method, target.path, target.body, content_type, headers=headers
            )
        statuses.append(response.status_code)
    if statuses != [200, 200]:
        raise RuntimeError(f"{target.name} ({target.path}) answered {statuses}, not 200.")
    return len(queries.captured_queries)


if __name__ == "__main__":
    main(sys.argv[1:])
