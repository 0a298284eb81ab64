"""The bench harness keeps working: generator, targets, load driver, report."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.db.models import Count, Max

from agora.accounts.models import Profile, User
from agora.core.events import listeners_for
from agora.core.feed import describe
from agora.core.models import Event
from agora.discussions.models import Reaction, Reply, Thread
from agora.spaces.models import Membership, Space, slug_validator
from bench.generate import BUSY_SPACE_SLUG, THREAD_REPLIES, VIEWER_EMAIL, generate
from bench.load import LoadResult, build_request, percentile, run_load
from bench.prepare import count_queries, make_targets
from bench.report import Measurement, format_table, thread_checks, write_report
from bench.scale import SCALES, Scale, scale_from_env

TINY = Scale("tiny", people=40, spaces=16, events=700)


@pytest.fixture
def generated(db):
    return generate(TINY, log=lambda line: None)


def test_generate_builds_the_requested_numbers_of_rows(generated):
    assert User.objects.count() == 40
    assert Profile.objects.count() == 40
    assert Space.objects.count() == 16
    assert Event.objects.count() == 700
    assert generated.counts == {
        "people": 40,
        "skills": 48,
        "spaces": 16,
        "memberships": Membership.objects.count(),
        "events": 700,
        "replies": 200,
        "reactions": Reaction.objects.count(),
    }


def test_generated_people_are_valid_and_verified(generated):
    for person in User.objects.select_related("profile"):
        person.full_clean()
        person.profile.full_clean()
    addresses = set(
        EmailAddress.objects.filter(verified=True, primary=True).values_list("user_id", "email")
    )
    assert addresses == set(User.objects.values_list("pk", "email"))
    viewer = User.objects.get(pk=generated.viewer_id)
    assert (viewer.email, viewer.org_role, viewer.is_active) == (VIEWER_EMAIL, "member", True)
    assert viewer.check_password("bench-password-2026") is True


def test_generated_spaces_cover_every_kind_and_visibility(generated):
    combinations = set(Space.objects.values_list("kind", "visibility"))
    assert combinations == {(k, v) for k in Space.Kind.values for v in Space.Visibility.values}
    for slug in Space.objects.values_list("slug", flat=True):
        slug_validator(slug)


def test_generated_member_counts_and_facilitators_are_right(generated):
    spaces = list(Space.objects.annotate(members=Count("memberships")))
    assert {s.slug: s.member_count for s in spaces} == {s.slug: s.members for s in spaces}
    without_facilitator = Space.objects.exclude(memberships__role=Membership.Role.FACILITATOR)
    assert list(without_facilitator) == []


def test_the_busy_space_is_the_biggest_and_has_the_viewer(generated):
    busy = Space.objects.get(slug=BUSY_SPACE_SLUG)
    assert generated.busy_space_slug == BUSY_SPACE_SLUG
    assert (busy.kind, busy.visibility, busy.status) == ("community", "open", "active")
    assert busy.memberships.filter(user_id=generated.viewer_id).exists() is True
    biggest = Space.objects.order_by("-member_count", "pk").first()
    assert biggest == busy


def test_generated_events_are_delivered_and_describable(generated):
    events = list(Event.objects.select_related("space"))
    undelivered = [e.pk for e in events if e.delivered_at is None or e.delivered_at < e.created_at]
    assert undelivered == []
    wrong_listeners = [
        e.pk for e in events if e.delivered_to != sorted(n for n, _f in listeners_for(e.verb))
    ]
    assert wrong_listeners == []
    # The feed reads names from the snapshot; a missing key shows as "…".
    wrong_snapshot = [
        e.pk
        for e in events
        if e.space is not None
        and (e.data.get("space_name"), e.data.get("space_slug")) != (e.space.name, e.space.slug)
    ]
    assert wrong_snapshot == []
    assert [e.pk for e in events if "…" in describe(e) or describe(e) == e.verb] == []


def test_last_activity_is_the_newest_event(generated):
    newest = dict(
        Event.objects.filter(space__isnull=False)
        .values("space_id")
        .annotate(at=Max("created_at"))
        .values_list("space_id", "at")
    )
    stored: dict[int, datetime] = dict(Space.objects.values_list("pk", "last_activity_at"))
    assert stored == newest


def test_generate_refuses_a_database_with_people(generated):
    with pytest.raises(RuntimeError, match="empty database"):
        generate(TINY, log=lambda line: None)


def test_the_long_thread_keeps_its_counters_as_the_actions_would(generated):
    thread = Thread.objects.get(pk=generated.thread_id)
    replies = list(thread.replies.all())
    assert (thread.space.slug, thread.kind, thread.reply_count) == (
        BUSY_SPACE_SLUG,
        "discussion",
        THREAD_REPLIES,
    )
    assert len(replies) == THREAD_REPLIES
    stances = {kind: sum(r.stance == kind for r in replies) for kind in Reply.Stance.values}
    assert (thread.agree_count, thread.disagree_count, thread.alternative_count) == (
        stances["agree"],
        stances["disagree"],
        stances["alternative"],
    )
    # Only comments take a stance in a discussion, on a response of the same thread.
    assert [r.pk for r in replies if r.stance and r.parent_id is None] == []
    assert {r.parent.thread_id for r in replies if r.parent_id} == {thread.pk}
    assert {r.parent.parent_id for r in replies if r.parent_id} == {None}
    rows = Counter(Reaction.objects.values_list("reply_id", "kind"))
    counted = Counter()
    for r in replies:
        for kind in ("helpful", "insightful", "thanks"):
            counted[(r.pk, kind)] = getattr(r, f"{kind}_count")
    assert +counted == rows
    assert Reaction.objects.filter(user_id=generated.viewer_id).exists() is True
    assert thread.replies.filter(author_id=generated.viewer_id).exists() is True
    members = set(thread.space.memberships.values_list("user_id", flat=True))
    assert {r.author_id for r in replies} <= members
    assert Thread.objects.get(pk=generated.posting_thread_id).replies.count() == 0


@pytest.mark.urls("bench.urls")
def test_targets_answer_and_their_queries_are_counted(generated):
    targets = make_targets(generated)
    thread = f"/spaces/{BUSY_SPACE_SLUG}/threads/{generated.thread_id}/"
    posting = f"/spaces/{BUSY_SPACE_SLUG}/threads/{generated.posting_thread_id}/replies/"
    assert [(t.name, t.method, t.path) for t in targets] == [
        ("floor", "GET", "/bench/floor"),
        ("bare", "GET", "/bench/bare"),
        ("thread_sql", "GET", f"/bench/thread/{generated.thread_id}"),
        ("thread", "GET", thread),
        ("post_reply", "POST", posting),
        ("people", "GET", "/people/"),
        ("space_home", "GET", f"/spaces/{BUSY_SPACE_SLUG}/"),
        ("api_spaces", "GET", "/api/v1/spaces"),
    ]
    assert Event.objects.filter(delivered_at__isnull=True).exists() is False
    counts = {t.name: count_queries(t) for t in targets}
    assert counts["floor"] == 0
    # The session and the user, then nothing (bare) or the one query (raw-SQL floor).
    assert (counts["bare"], counts["thread_sql"]) == (2, 3)
    # Each signed-in page loads at least the session, the user and its own rows.
    assert min(counts["people"], counts["space_home"], counts["api_spaces"]) >= 3
    assert counts["thread"] <= 8
    # count_queries posted twice, through the CSRF check, into the posting thread only.
    posted = Reply.objects.filter(thread_id=generated.posting_thread_id)
    assert [(r.author_id, r.body.startswith("Hello from the bench")) for r in posted] == [
        (generated.viewer_id, True),
        (generated.viewer_id, True),
    ]
    assert Reply.objects.filter(thread_id=generated.thread_id).count() == THREAD_REPLIES


def _replies_shown(html: str) -> list[tuple[int, str]]:
    """(id, body HTML) of each reply on a page, in page order."""
    found = re.findall(
        r"""id=["']reply-(\d+)["'].*?<div class=["']prose["']>(.*?)</div>""", html, re.S
    )
    return [(int(pk), body) for pk, body in found]


@pytest.mark.urls("bench.urls")
def test_the_raw_sql_floor_shows_the_replies_of_the_thread_page(generated, client):
    client.force_login(User.objects.get(pk=generated.viewer_id))
    page = client.get(f"/spaces/{BUSY_SPACE_SLUG}/threads/{generated.thread_id}/")
    floor = client.get(f"/bench/thread/{generated.thread_id}")
    assert (page.status_code, floor.status_code) == (200, 200)
    shown = _replies_shown(page.content.decode())
    assert len(shown) == THREAD_REPLIES
    assert _replies_shown(floor.content.decode()) == shown
    # Responses in order of posting, each followed by its comments in order.
    responses = Reply.objects.filter(thread_id=generated.thread_id, parent=None)
    expected = []
    for response in responses.order_by("created_at", "pk"):
        expected.append((response.pk, response.body_html))
        expected += [(c.pk, c.body_html) for c in response.comments.order_by("created_at", "pk")]
    assert shown == expected


@pytest.mark.urls("bench.urls")
def test_the_floors_need_a_signed_in_member(generated, client):
    assert client.get("/bench/bare").status_code == 404
    assert client.get(f"/bench/thread/{generated.thread_id}").status_code == 404
    outsider = User.objects.exclude(memberships__space__slug=BUSY_SPACE_SLUG).first()
    client.force_login(outsider)
    assert client.get("/bench/bare").status_code == 200
    assert client.get(f"/bench/thread/{generated.thread_id}").status_code == 404


def test_the_floors_are_not_mounted_by_agoras_own_settings(generated, client):
    client.force_login(User.objects.get(pk=generated.viewer_id))
    assert client.get("/bench/bare").status_code == 404
    assert client.get(f"/bench/thread/{generated.thread_id}").status_code == 404


def test_count_queries_refuses_a_page_that_does_not_answer_200(generated):
    target = next(t for t in make_targets(generated) if t.name == "people")
    target.headers = {}  # signed out: the people directory redirects to the login page
    with pytest.raises(RuntimeError, match=r"people \(/people/\) answered \[302, 302\]"):
        count_queries(target)


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert [percentile(values, q) for q in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) == 0.0


def test_build_request_talks_only_to_loopback():
    host, port, request = build_request("http://127.0.0.1:8123/people/?page=2", {"X-A": "b"})
    assert (host, port) == ("127.0.0.1", 8123)
    assert request == (
        b"GET /people/?page=2 HTTP/1.1\r\nHost: 127.0.0.1:8123\r\n"
        b"User-Agent: agora-bench\r\nAccept: */*\r\nX-A: b\r\n\r\n"
    )
    _host, _port, post = build_request("http://127.0.0.1:8123/r/", method="POST", body=b"a=1")
    assert post == (
        b"POST /r/ HTTP/1.1\r\nHost: 127.0.0.1:8123\r\n"
        b"User-Agent: agora-bench\r\nAccept: */*\r\nContent-Length: 3\r\n\r\na=1"
    )
    with pytest.raises(ValueError, match="loopback"):
        build_request("http://example.com/")


def test_run_load_counts_requests_and_errors(live_server, transactional_db):
    ok = run_load(
        live_server.url + "/bench/floor",
        concurrency=2,
        warmup_s=0,
        duration_s=60,
        max_requests=30,
    )
    assert (ok.requests, ok.errors, len(ok.latencies_ms)) == (30, 0, 30)
    missing = run_load(
        live_server.url + "/no-such-page/",
        concurrency=1,
        warmup_s=0,
        duration_s=60,
        max_requests=5,
    )
    # Two warm-up requests (two per connection), then five measured: all 404.
    assert (missing.requests, missing.errors) == (5, 7)
    assert missing.error_samples == ["HTTP 404"] * 5


@pytest.mark.urls("bench.urls")
def test_the_thread_targets_and_their_floors_run_under_load(live_server, transactional_db):
    """What `make bench-small` loads, at a tiny size through a real server:
    every answer a 200, the posted replies in the posting thread."""
    generated = generate(TINY, log=lambda line: None)
    targets = {t.name: t for t in make_targets(generated)}
    for name in ("bare", "thread_sql", "thread", "post_reply"):
        target = targets[name]
        result = run_load(
            live_server.url + target.path,
            headers=target.headers,
            # One connection: the test server's in-memory SQLite locks whole
            # tables (the bench's database file waits for its lock instead).
            concurrency=1,
            warmup_s=0,
            duration_s=60,
            max_requests=6,
            method=target.method,
            body=target.body.encode(),
        )
        assert (name, result.requests, result.errors, result.error_samples) == (name, 6, 0, [])
    # Two warm-up posts, then six measured.
    posting = Thread.objects.get(pk=generated.posting_thread_id)
    assert (posting.reply_count, posting.replies.count()) == (8, 8)
    assert Thread.objects.get(pk=generated.thread_id).reply_count == THREAD_REPLIES


def test_a_group_is_loaded_in_interleaved_slices(live_server, transactional_db):
    from bench.__main__ import SLICES, _load_interleaved

    targets = [
        {"name": "floor", "path": "/bench/floor", "headers": {}},
        {"name": "missing", "path": "/no-such-page/", "headers": {}},
    ]
    scale = Scale("tiny", people=10, spaces=15, events=0, concurrency=1, warmup_s=0)
    scale = replace(scale, duration_s=60, max_requests=4 * SLICES)
    results = {t["name"]: r for t, r in _load_interleaved(live_server.url, targets, scale)}
    # Each slice loads a quarter of the requests; only the first slice warms up (2 requests).
    assert (results["floor"].requests, results["floor"].errors) == (4 * SLICES, 0)
    assert (results["missing"].requests, results["missing"].errors) == (4 * SLICES, 4 * SLICES + 2)
    assert len(results["floor"].latencies_ms) == 4 * SLICES


def test_load_results_merge():
    first = LoadResult(requests=3, errors=1, elapsed_s=1.5, latencies_ms=[1.0, 2.0, 3.0])
    first.error_samples = ["HTTP 500"]
    second = LoadResult(requests=2, errors=0, elapsed_s=0.5, latencies_ms=[4.0, 5.0])
    first.merge(second)
    assert (first.requests, first.errors, first.elapsed_s) == (5, 1, 2.0)
    assert (first.latencies_ms, first.error_samples, first.requests_per_s) == (
        [1.0, 2.0, 3.0, 4.0, 5.0],
        ["HTTP 500"],
        2.5,
    )


def test_scale_from_env_reads_the_scale_and_overrides():
    assert scale_from_env({}) == SCALES["full"]
    small = scale_from_env({"BENCH_SCALE": "small", "BENCH_CONCURRENCY": "3"})
    assert (small.people, small.spaces, small.events, small.concurrency) == (300, 40, 3000, 3)
    with pytest.raises(SystemExit):
        scale_from_env({"BENCH_SCALE": "huge"})


MEASUREMENTS = [
    Measurement("floor", "sqlite", "granian-wsgi", 2000.04, 1.234, 2.5, 3.456, 0),
    Measurement("people", "sqlite", "granian-wsgi", 100.0, 20.0, 40.0, 80.125, 7),
]


def test_write_report_writes_exactly_the_documented_fields(tmp_path):
    path = tmp_path / "bench" / "latest.json"
    write_report(MEASUREMENTS, path)
    assert json.loads(path.read_text()) == [
        {
            "name": "floor",
            "database": "sqlite",
            "server": "granian-wsgi",
            "requests_per_s": 2000.0,
            "p50_ms": 1.23,
            "p95_ms": 2.5,
            "p99_ms": 3.46,
            "queries": 0,
        },
        {
            "name": "people",
            "database": "sqlite",
            "server": "granian-wsgi",
            "requests_per_s": 100.0,
            "p50_ms": 20.0,
            "p95_ms": 40.0,
            "p99_ms": 80.12,
            "queries": 7,
        },
    ]


def test_format_table_aligns_columns_and_compares_with_the_floor():
    assert format_table(MEASUREMENTS).splitlines() == [
        "name    database  server         req/s  p50 ms  p95 ms  p99 ms  queries  of floor",
        "floor   sqlite    granian-wsgi  2000.0    1.23    2.50    3.46        0      1.00",
        "people  sqlite    granian-wsgi   100.0   20.00   40.00   80.12        7      0.05",
    ]


def test_thread_checks_compare_p95_with_both_floors():
    measurements = [
        Measurement("bare", "sqlite", "granian-wsgi", 900.0, 2.0, 3.0, 4.0, 2),
        Measurement("thread_sql", "sqlite", "granian-wsgi", 300.0, 8.0, 10.0, 12.0, 3),
        Measurement("thread", "sqlite", "granian-wsgi", 30.0, 40.0, 75.0, 90.0, 8),
    ]
    assert thread_checks(measurements) == [
        "sqlite     granian-wsgi  75.00 ms =   7.5 x thread_sql (10.00 ms; target <= 4 x): NOT met",
        "sqlite     granian-wsgi  75.00 ms =  25.0 x bare (3.00 ms; target <= 20 x): NOT met",
    ]
    assert format_table(measurements).splitlines()[-3:] == [
        "thread page p95 against its floors' p95 (target):",
        "  " + thread_checks(measurements)[0],
        "  " + thread_checks(measurements)[1],
    ]
    faster = [*measurements[:2], Measurement("thread", "sqlite", "granian-wsgi", 0, 0, 30, 0, 8)]
    assert [line.endswith(": met") for line in thread_checks(faster)] == [True, True]
    assert thread_checks(MEASUREMENTS) == []


def test_search_bench_fills_and_measures_both_ways(db, capsys):
    from bench.search import COMMON, RARE, fill, format_rows, measure

    world = fill(400, log=lambda line: None)
    rows = measure(world["viewer"], world["spaces"], runs=2)
    by_method = {(row["method"], row["term"]): row for row in rows}
    assert set(by_method) == {
        ("search", RARE),
        ("icontains", RARE),
        ("search", COMMON),
        ("icontains", COMMON),
    }
    # The viewer belongs to 10 of the 50 spaces: both ways find the same rare posts.
    assert by_method[("search", RARE)]["matches"] == by_method[("icontains", RARE)]["matches"]
    assert by_method[("search", COMMON)]["matches"] == 40  # 400 / 50 * 10 / 2
    assert all(row["p95_ms"] >= row["p50_ms"] > 0 for row in rows)
    assert all(row["cpu_p50_ms"] >= 0 and row["load"] >= 0 for row in rows)
    assert "CPU p50" in format_rows([{"database": "sqlite", **row} for row in rows])


def test_search_bench_reuses_only_a_database_it_filled_with_as_many_posts(db):
    from bench.search import fill, filled_world

    with pytest.raises(SystemExit, match="0 documents, not 30"):
        filled_world(30)
    world = fill(30, log=lambda line: None)
    again = filled_world(30)
    assert again["viewer"] == world["viewer"]
    assert again["spaces"] == world["spaces"]
    with pytest.raises(SystemExit, match="30 documents, not 40"):
        filled_world(40)


def test_live_delivery_runs_across_two_server_processes(tmp_path):
    """The live entry of the bench, tiny: every reply reaches every socket."""
    import secrets
    import subprocess
    import sys

    from bench.live import LiveResult, measure_live

    root = Path(__file__).resolve().parents[1]
    var = tmp_path / "var"
    (var / "static").mkdir(parents=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AGORA_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        AGORA_PRODUCTION="0",
        ALLOWED_HOSTS="127.0.0.1",
        AGORA_VAR_DIR=str(var),
    )
    migrate = [sys.executable, "-m", "agora.cli", "migrate", "-v", "0"]
    subprocess.run(migrate, env=env, cwd=root, check=True)

    result = measure_live(
        env=env, directory=tmp_path / "live", root=root, posts=3, clients=4, interval=0.1
    )

    assert (result.connected, result.lost, result.post_errors) == (4, 0, 0)
    assert len(result.latencies_ms) == 12
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms
    assert "4/4 connected at once" in result.summary()
    assert LiveResult(posts=1, clients=1, lost=1).summary().count("NOT met") == 1
