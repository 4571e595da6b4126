"""Scaling tables (issue 28): how time and memory grow with the work.

    scripts/run-bench scale [--runs 3] [--statements 10000,25000,50000]
                            [--chapters 10000,50000,100000] [--courses 200,500,2000]
                            [--only sync,search,files,home] [--before TREE]

- **sync**: N statements queued, pushed to the demo platform (``companion sandbox
  --controlled --state-dir``, as demo mode starts it, keeping what it stores on disk),
  then pulled by a fresh device until it has them all (each pull is bounded), then 10 new
  ones pulled by a later sync.
- **search**: N chapters of 400 words drawn from the sample courses' vocabulary with a
  Zipf-like law; 150 two-word queries typed without accents and 50 queries of the most
  common words, with the library's search, against ranking every match (the previous
  query) in the same process, alternated.
- **files**: N chapter completions and N study sessions in progress.db; the file's size
  with everything queued, then once the outbox is drained (acknowledged as after a push),
  with the incremental vacuum and without it (the previous behaviour, same process);
  "studied this week" over N sessions, with the index and as the previous scan did.
- **home**: N courses in a learner's profile; the window started as the app does, the
  longest time the GUI thread did not turn its event loop (a lag probe) until every card is
  shown, and going back to *Accueil* (bench_home.py). ``--before TREE``: the same measured
  on another checkout (the code before issue 28), up to ``--before-max`` courses.

Each size runs in a process of its own: its peak resident memory (ru_maxrss) is the
memory column. Figures are medians over ``--runs``; ratios are to the smallest size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bench.bench_home import home_table, run_home
from tests.bench.harness import machine

TREE = Path(__file__).resolve().parents[2]  # the checkout measured
COMMON = ["les", "une", "des", "pour", "est", "votre", "vous", "sur", "dans", "avec"]


# --- in a process of its own ------------------------------------------------------------


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_sync(url: str, token: str, count: int, scratch: Path) -> dict[str, Any]:
    from companion import xapi
    from companion.services.progress import ProgressService
    from companion.sync.client import HttpClient, NetworkConfig
    from companion.sync.outbox import push
    from companion.sync.platform_v1 import PlatformV1
    from companion.sync.pull import pull
    from tests.sync_helpers import HOME, StaticToken, complete_chapters

    api = PlatformV1(HttpClient(NetworkConfig(base_url=url, retries=0)), StaticToken(token))
    device = complete_chapters(ProgressService(scratch / "device"), count)
    started = time.perf_counter()
    report = push(device, api, "u-1001", HOME)
    pushed = time.perf_counter() - started
    assert report.sent == count and device.pending_count() == 0
    fresh = ProgressService(scratch / "fresh")
    started, pulled, pulls = time.perf_counter(), 0, 0
    while added := pull(fresh, api, "u-1001", HOME):
        pulled, pulls = pulled + added, pulls + 1
    pulling = time.perf_counter() - started
    assert pulled == count, pulled
    other = complete_chapters(ProgressService(scratch / "other"), 10, first=count)
    api.post_statements([xapi.with_actor(s, "u-1001", HOME) for s in other.pending_statements()])
    gets = counting_gets(api)
    started = time.perf_counter()
    later = pull(fresh, api, "u-1001", HOME)
    return {
        "push": pushed,
        "pull": pulling,
        "pulls": pulls + 1,
        "later": time.perf_counter() - started,
        "later_new": later,
        "later_gets": gets[0],
        "mib": peak_mib(),
    }


def counting_gets(api: Any) -> list[int]:
    count = [0]
    original = api.client.session.request

    def spy(method: str, url: str, **kwargs: Any) -> Any:
        count[0] += method == "GET" and "statements" in url
        return original(method, url, **kwargs)

    api.client.session.request = spy
    return count


def child_search(chapters: int, scratch: Path) -> dict[str, Any]:
    from companion.services import library_search
    from companion.services.chapter_text import fts_query
    from companion.store import schema
    from companion.store.db import Database
    from tests.bench.bench_library import _course_vocabulary

    db = Database(scratch / "library.db", schema.LIBRARY)
    words = _course_vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(words))]
    rng = random.Random(3)
    for start in range(0, chapters, 10_000):
        rows = [
            (
                f"c{i % 500}",
                f"ch{i}",
                " ".join(rng.choices(words, weights, k=6)),
                " ".join(rng.choices(words, weights, k=400)),
            )
            for i in range(start, min(chapters, start + 10_000))
        ]
        with db.write() as c:
            c.executemany(
                "INSERT INTO chapter_text (course_id, chapter_id, title, body) VALUES (?, ?, ?, ?)",
                rows,
            )
    queries = [(bare(" ".join(rng.sample(words, 2))), False) for _ in range(150)]
    queries += [(" ".join(rng.sample(COMMON, rng.choice((1, 2)))), True) for _ in range(50)]
    rng.shuffle(queries)
    new: list[tuple[float, bool]] = []
    old: list[tuple[float, bool]] = []
    for text, common in queries:
        started = time.perf_counter()
        library_search.search(db, text)
        new.append(((time.perf_counter() - started) * 1000, common))
        started = time.perf_counter()
        db.read(  # the previous query: every match ranked
            f"{library_search._HITS} ORDER BY rank LIMIT 20", (fts_query(text),)
        )
        old.append(((time.perf_counter() - started) * 1000, common))
    db.close()
    return {
        "p50": percentile([t for t, _ in new], 50),
        "p95": percentile([t for t, _ in new], 95),
        "common_p95": percentile([t for t, c in new if c], 95),
        "old_p95": percentile([t for t, _ in old], 95),
        "old_common_p95": percentile([t for t, c in old if c], 95),
        "mib": peak_mib(),
    }


def child_files(count: int, scratch: Path) -> dict[str, Any]:
    from companion import xapi
    from companion.services.learners import PROGRESS_FILE
    from companion.services.progress import ProgressService
    from companion.services.progress import outbox as outbox_module
    from tests.sync_helpers import HOME, complete_chapters

    sizes: dict[str, float] = {}
    for reclaim in (False, True):
        if not reclaim:
            outbox_module.RECLAIM_FREE_SHARE = 2.0  # never: the previous behaviour
        folder = scratch / ("reclaim" if reclaim else "kept")
        service = complete_chapters(ProgressService(folder), count)
        service.db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes["full"] = (folder / PROGRESS_FILE).stat().st_size
        while pending := service.take(500, "u-1001"):
            service.acknowledge([statement_id for statement_id, _ in pending])
        service.db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes["reclaim" if reclaim else "kept"] = (folder / PROGRESS_FILE).stat().st_size
        outbox_module.RECLAIM_FREE_SHARE = 0.25
        service.close()
    service = ProgressService(scratch / "sessions")
    course = f"{HOME}/xapi/activities/courses/c"
    begun = datetime.now(UTC) - timedelta(days=365)
    service.merge_pulled(
        [
            xapi.statement(
                "experienced",
                f"{course}/chapters/{i % 40}",
                "chapter",
                "x",
                course_activity=course,
                course_name="C",
                result={"duration": "PT60S"},
                when=begun + timedelta(seconds=600 * i),
            )
            for i in range(count)
        ],
        "",
    )
    week = datetime.now(UTC) - timedelta(days=7)
    new, old = [], []
    for _ in range(9):
        started = time.perf_counter()
        service.studied_since(week)
        new.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        scan_since(service, week)
        old.append((time.perf_counter() - started) * 1000)
    service.close()
    return {
        **sizes,
        "week": statistics.median(new),
        "old_week": statistics.median(old),
        "mib": peak_mib(),
    }


def scan_since(service: Any, since: datetime) -> dict[str, float]:
    """``studied_since`` as it was: every session read, each timestamp parsed."""
    rows = service.db.read(
        "SELECT course, timestamp, seconds FROM known_statements"
        " WHERE verb = 'experienced' AND seconds IS NOT NULL AND course IS NOT NULL"
    )
    totals: dict[str, float] = {}
    for row in rows:
        begun = datetime.fromisoformat(str(row["timestamp"]).replace("Z", "+00:00"))
        if begun >= since:
            totals[row["course"]] = totals.get(row["course"], 0.0) + float(row["seconds"])
    return totals


def bare(text: str) -> str:  # typed without accents, as learners often do
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


# --- the tables -------------------------------------------------------------------------


def run_child(kind: str, size: int, *extra: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, "-m", "tests.bench.bench_scale", "--child", kind]
        command += ["--size", str(size), "--scratch", scratch, *extra]
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(f"{kind} {size} failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {kind} {size}: {result}", file=sys.stderr, flush=True)
        return result


def sync_on_demo_platform(size: int) -> dict[str, Any]:
    from companion.services.demo_platform import DemoPlatform
    from tests.bench.bench_sync import sign_in

    with tempfile.TemporaryDirectory() as state:
        platform = DemoPlatform(Path(state), Path(state) / "platform.log")
        try:
            url = platform.url()
            result = run_child("sync", size, f"--url={url}", f"--token={sign_in(url)}")
        finally:
            platform.stop()
        kept = sum(p.stat().st_size for p in Path(state).rglob("*") if p.is_file())
        return {**result, "state_mb": kept / 1e6}


def medians(results: list[dict[str, Any]]) -> dict[str, float]:
    numbers = [key for key, value in results[0].items() if isinstance(value, int | float)]
    return {key: statistics.median(r[key] for r in results) for key in numbers}


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--statements", default="10000,25000,50000")
    parser.add_argument("--chapters", default="10000,50000,100000")
    parser.add_argument("--courses", default="200,500,2000")
    parser.add_argument("--before", default="", help="a checkout to compare the home view to")
    parser.add_argument("--before-max", type=int, default=500)
    parser.add_argument("--only", default="sync,search,files,home", help="tables to make")
    parser.add_argument("--child", default="")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--scratch", default="")
    parser.add_argument("--url", default="")
    parser.add_argument("--token", default="")
    args = parser.parse_args(argv)
    if args.child:
        scratch = Path(args.scratch)
        if args.child == "sync":
            result = child_sync(args.url, args.token, args.size, scratch)
        elif args.child == "search":
            result = child_search(args.size, scratch)
        else:
            result = child_files(args.size, scratch)
        print(json.dumps(result))
        return 0
    statements = [int(n) for n in args.statements.split(",")]
    chapters = [int(n) for n in args.chapters.split(",")]
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    only = args.only.split(",")
    for _run in range(args.runs):  # each run every size, so a busy moment hits them alike
        for size in statements:
            if "sync" in only:
                runs.setdefault(("sync", size), []).append(sync_on_demo_platform(size))
            if "files" in only:
                runs.setdefault(("files", size), []).append(run_child("files", size))
        for size in chapters if "search" in only else []:
            runs.setdefault(("search", size), []).append(run_child("search", size))
        for size in [int(n) for n in args.courses.split(",")] if "home" in only else []:
            runs.setdefault(("home", size), []).append(run_home(str(TREE), size))
            if args.before and size <= args.before_max:
                runs.setdefault(("before", size), []).append(run_home(args.before, size))
    print(f"machine: {machine()}; medians of {args.runs} runs, each size in its own process")
    if "sync" in only:
        sync_table(statements, runs)
    if "search" in only:
        search_table(chapters, runs)
    if "files" in only:
        files_table(statements, runs)
    if "home" in only:
        home_table(
            [
                (
                    n,
                    medians(runs[("home", n)]),
                    medians(runs[("before", n)]) if ("before", n) in runs else None,
                )
                for n in [int(n) for n in args.courses.split(",")]
            ]
        )
    return 0


def sync_table(statements: list[int], runs: dict[tuple[str, int], list[dict[str, Any]]]) -> None:
    sync = {n: medians(runs[("sync", n)]) for n in statements}
    first = sync[statements[0]]
    table(
        "Push and pull against the demo platform (its state kept on disk)",
        ["statements", "push", "ratio", "pull on a fresh device", "ratio", "later sync",
         "demo platform's files", "client peak memory"],
        [
            [f"{n:,}", f"{s['push']:.2f} s", f"{s['push'] / first['push']:.1f}×",
             f"{s['pull']:.2f} s in {s['pulls']:.0f} pulls (the last finds none)",
             f"{s['pull'] / first['pull']:.1f}×",
             f"{s['later_new']:.0f} new in {s['later_gets']:.0f} GET, {s['later'] * 1000:.0f} ms",
             f"{s['state_mb']:.1f} MB", f"{s['mib']:.0f} MiB"]
            for n, s in sync.items()
        ],
    )  # fmt: skip


def search_table(chapters: list[int], runs: dict[tuple[str, int], list[dict[str, Any]]]) -> None:
    search = {n: medians(runs[("search", n)]) for n in chapters}
    smallest = search[chapters[0]]
    table(
        "Search (200 queries, 50 of common words)",
        ["chapters", "p50", "p95", "ratio", "p95 common words", "every match ranked: p95",
         "same, common words", "peak memory"],
        [
            [f"{n:,}", f"{s['p50']:.1f} ms", f"{s['p95']:.1f} ms",
             f"{s['p95'] / smallest['p95']:.1f}×", f"{s['common_p95']:.1f} ms",
             f"{s['old_p95']:.1f} ms", f"{s['old_common_p95']:.1f} ms", f"{s['mib']:.0f} MiB"]
            for n, s in search.items()
        ],
    )  # fmt: skip


def files_table(statements: list[int], runs: dict[tuple[str, int], list[dict[str, Any]]]) -> None:
    files = {n: medians(runs[("files", n)]) for n in statements}
    table(
        "progress.db once its outbox is drained; studied this week",
        ["statements", "file, all queued", "drained, kept as before", "drained, reclaimed",
         "studied this week (index)", "ratio", "as before (scan)", "peak memory"],
        [
            [f"{n:,}", f"{s['full'] / 1e6:.1f} MB", f"{s['kept'] / 1e6:.1f} MB",
             f"{s['reclaim'] / 1e6:.1f} MB", f"{s['week']:.2f} ms",
             f"{s['week'] / files[statements[0]]['week']:.1f}×", f"{s['old_week']:.1f} ms",
             f"{s['mib']:.0f} MiB"]
            for n, s in files.items()
        ],
    )  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
