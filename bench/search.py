"""Search at scale: p50/p95 of a search over N posts, beside a naive icontains scan.

    python -m bench.search                     # 1,000,000 posts (BENCH_SCALE=full)
    BENCH_SCALE=small python -m bench.search   # 20,000 posts, in seconds
    BENCH_SEARCH_DOCS=200000 python -m bench.search   # any other number
    BENCH_SEARCH_REUSE=1 python -m bench.search       # measure again, no refill

Each database (``BENCH_DATABASES``, as for ``python -m bench``) is filled in a
child process: 50 spaces, a viewer who belongs to 10 of them (so most matches
are not theirs to see), and N search documents of made-up words, where
"signal" is in half of them (a very common word) and "quokka" in 20 (a rare
one). Each query is timed in-process as a search page reads it: the ranked
candidates (capped), then one page of documents with their snippets. Beside
it, the naive way: ``body__icontains`` over the viewer's spaces, newest 20
and a count. Writes ``var/bench/search.json``. Beside the wall-clock times,
each row has the bench process's own CPU time (all of a search on SQLite,
which runs in-process; only the client's share on PostgreSQL) and the load
average: on a shared machine the wall clock measures the neighbours too.

Filling a million posts takes minutes. With ``BENCH_SEARCH_REUSE=1``, a
database filled by an earlier run with the same number of posts is measured
again as it is (migrated first, so a new migration is applied to it); a
PostgreSQL one must have been kept (``BENCH_KEEP=1``). Any other database is
filled from scratch. ``var/bench/search-<database>/filled.json`` records
what each database holds.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from bench.children import BENCH_DIR, ROOT, each_database, scaled_count

REPORT = BENCH_DIR / "search.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/agora_bench_search"
SIZES = {"full": 1_000_000, "small": 20_000}
SPACES, VIEWER_SPACES = 50, 10
COMMON, RARE, RARE_COUNT = "signal", "quokka", 20
RUNS = 40
TARGET_P95_MS = 50.0


def main() -> int:
    rows = each_database(
        name="search",
        module="bench.search",
        count=scaled_count(SIZES, "BENCH_SEARCH_DOCS"),
        reuse=os.environ.get("BENCH_SEARCH_REUSE") == "1",
        postgres_url=os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL,
    )
    print()
    print(format_rows(rows))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(rows, indent=2))
    print(f"Wrote {REPORT.relative_to(ROOT)}.")
    slow = [r for r in rows if r["method"] == "search" and r["p95_ms"] > TARGET_P95_MS]
    if slow:
        print(f"Over the {TARGET_P95_MS:g} ms p95 target: {[r['term'] for r in slow]}")
    return 0


def format_rows(rows: list[dict]) -> str:
    head = (
        f"{'database':<11}{'method':<11}{'term':<9}{'matches':>9}{'p50 ms':>10}{'p95 ms':>10}"
        f"{'CPU p50':>10}{'load':>7}"
    )
    lines = [
        f"{row['database']:<11}{row['method']:<11}{row['term']:<9}{row['matches']:>9}"
        f"{row['p50_ms']:>10.2f}{row['p95_ms']:>10.2f}{row['cpu_p50_ms']:>10.2f}{row['load']:>7.2f}"
        for row in rows
    ]
    return "\n".join([head, *lines])


def made_up_words(rng: random.Random, size: int = 4000) -> list[str]:
    """`size` distinct made-up words of 2-4 syllables, sorted (the benches' vocabulary)."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "dan", "gor", "lim"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def fill(count: int, *, seed: int = 7, log=print) -> dict:
    """Write the spaces, the viewer and `count` documents; return the viewer and spaces."""
    from django.db import connection
    from django.utils import timezone

    from agora.accounts.models import User
    from agora.search.models import SearchDocument
    from agora.spaces.models import Membership, Space

    rng = random.Random(seed)
    words = made_up_words(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf-like
    author = User.objects.create_user(email="bench-author@example.org", name="Bench Author")
    viewer = User.objects.create_user(email="bench-viewer@example.org", name="Bench Viewer")
    spaces = Space.objects.bulk_create(
        Space(name=f"Bench space {n}", slug=f"bench-space-{n}", visibility=Space.Visibility.PRIVATE)
        for n in range(SPACES)
    )
    Membership.objects.bulk_create(
        Membership(space=space, user=viewer, role=Membership.Role.MEMBER)
        for space in spaces[:VIEWER_SPACES]
    )
    rare = set(rng.sample(range(count), min(RARE_COUNT, count)))
    now = timezone.now()
    started = time.perf_counter()
    batch: list[SearchDocument] = []
    for n in range(count):
        text = rng.choices(words, weights, k=rng.randint(12, 40))
        if n % 2 == 0:
            text.insert(rng.randrange(len(text)), COMMON)
        if n in rare:
            text.insert(rng.randrange(len(text)), RARE)
        batch.append(
            SearchDocument(
                kind=SearchDocument.Kind.REPLY,
                object_id=n + 1,
                space_id=spaces[n % SPACES].pk,
                author_id=author.pk,
                thread_id=1,
                body=" ".join(text),
                created_at=now,
            )
        )
        if len(batch) == 5000:
            SearchDocument.objects.bulk_create(batch)
            batch = []
            if (n + 1) % 100_000 == 0:
                log(f"  {n + 1:,} documents in {time.perf_counter() - started:.0f} s")
    SearchDocument.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"  {count:,} documents written in {time.perf_counter() - started:.1f} s")
    return {"viewer": viewer, "spaces": [s.pk for s in spaces[:VIEWER_SPACES]]}


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(viewer, space_ids: list[int], *, runs: int = RUNS) -> list[dict]:
    """Time a search page's reads and a naive icontains scan for each term."""
    from agora.search.models import SearchDocument
    from agora.search.queries import search

    rows = []
    for term in (RARE, COMMON):

        def searched(term=term) -> int:
            results = search(viewer=viewer, text=term)
            matches = len(results)
            list(results[0:20])
            return matches

        def scanned(term=term) -> int:
            found = SearchDocument.objects.filter(space_id__in=space_ids, body__icontains=term)
            list(found.order_by("-id")[:20])
            return found.count()

        for method, run in (("search", searched), ("icontains", scanned)):
            matches = run()  # warm the caches
            samples, cpu = [], []
            for _ in range(runs):
                started, cpu_started = time.perf_counter(), time.process_time()
                run()
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            p50, p95 = _percentiles(samples)
            cpu_p50, _ = _percentiles(cpu)
            rows.append(
                {
                    "method": method,
                    "term": term,
                    "matches": matches,
                    "p50_ms": round(p50, 2),
                    "p95_ms": round(p95, 2),
                    "cpu_p50_ms": round(cpu_p50, 2),
                    "load": round(os.getloadavg()[0], 2),
                }
            )
            print(
                f"  {method:<10} {term:<8} {matches:>8} matches"
                f"  p50 {p50:8.2f} ms  p95 {p95:8.2f} ms  (own CPU p50 {cpu_p50:.2f} ms,"
                f" load {os.getloadavg()[0]:.2f})",
                flush=True,
            )
    return rows


def filled_world(count: int) -> dict:
    """The viewer and their spaces in a database that `fill` wrote, or fail."""
    from agora.accounts.models import User
    from agora.search.models import SearchDocument
    from agora.spaces.models import Space

    viewer = User.objects.filter(email="bench-viewer@example.org").first()
    found = SearchDocument.objects.count()
    if viewer is None or found != count:
        raise SystemExit(f"Cannot reuse: {found:,} documents, not {count:,}; run without reuse.")
    spaces = Space.objects.filter(slug__startswith="bench-space-", memberships__user=viewer)
    return {"viewer": viewer, "spaces": list(spaces.order_by("pk").values_list("pk", flat=True))}


def child(count: int, output: str, *, reuse: bool = False) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    doing = "measuring the documents there" if reuse else f"writing {count:,} documents"
    print(f"\n{connection.vendor}: migrating and {doing}…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    log = lambda line: print(line, flush=True)  # noqa: E731
    world = filled_world(count) if reuse else fill(count, log=log)
    rows = measure(world["viewer"], world["spaces"])
    Path(output).write_text(json.dumps(rows))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]), sys.argv[3], reuse=sys.argv[4:5] == ["--reuse"])
    else:
        sys.exit(main())
