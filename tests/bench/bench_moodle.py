"""Moodle benchmarks (issue 23), against a real Moodle 5.1 site of their own.

    scripts/run-bench moodle [--runs 5] [--size-mb 8] [--big 3] [--views 1000]

The site is restored from the tests' snapshot (tests/moodle_site.py) and given 20 more
courses and a few large files by tests/moodle/seed_bench.php; it is deleted at the end.

1. Downloads: the large files by Companion's Downloader (``locate=platform.asset_path``,
   each checked against the SHA-1 the site sends as ETag) against ``curl -o`` of the same
   files from the same server, interleaved, in the same run (aim >= 0.9x curl).
2. A refresh of 20 unchanged courses, in requests and bytes (HTTP bytes, TLS not counted),
   against reading every outline again as the previous version did (the course list and
   the contents, per course) (aim: one check_updates per course, no file fetched).
3. The push of 1,000 queued views (``ProgressService.open_chapter`` / ``complete_chapter``)
   through ``companion.sync.outbox.push`` with ``MoodlePlatform``: time and calls, against
   the time of one view call alone, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion.domain import Asset, CourseManifest
from companion.jobs import Control
from companion.services.progress import ProgressService
from companion.store.assets import AssetStore
from companion.sync import moodle_ws
from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.downloads import Downloader
from companion.sync.moodle import MoodlePlatform
from companion.sync.moodle_outline import course_ref
from companion.sync.outbox import push
from tests.bench.harness import machine
from tests.moodle_site import LEARNER, MoodleSite, start_site, stop_site

SEED_BENCH = Path(__file__).resolve().parents[1] / "moodle" / "seed_bench.php"


class Meter:
    """Every request an ``HttpClient`` sends: its web-service function, its path, and its
    HTTP bytes each way (request line, headers and body; status line, headers and body)."""

    def __init__(self, http: HttpClient) -> None:
        self.functions: Counter[str] = Counter()
        self.paths: list[str] = []
        self.sent = self.received = 0
        send = http.request

        def request(method: str, path: str, **kwargs: Any) -> Any:
            data = kwargs.get("data")
            self.functions[data.get("wsfunction", "") if isinstance(data, dict) else ""] += 1
            self.paths.append(path.split("?", 1)[0])
            response = send(method, path, **kwargs)
            self._count(response)
            return response

        http.request = request  # type: ignore[method-assign]

    @property
    def requests(self) -> int:
        return len(self.paths)

    @property
    def files(self) -> int:
        return sum("pluginfile.php" in path for path in self.paths)

    def reset(self) -> None:
        self.functions.clear()
        self.paths.clear()
        self.sent = self.received = 0

    def _count(self, response: Any) -> None:
        prepared = response.request
        body = prepared.body or b""
        self.sent += len(f"{prepared.method} {prepared.path_url} HTTP/1.1\r\n") + _headers(
            prepared.headers
        )
        self.sent += len(body.encode() if isinstance(body, str) else body)
        length = response.headers.get("Content-Length")
        content = int(length) if length and length.isdigit() else len(response.content)
        self.received += len(f"HTTP/1.1 {response.status_code} {response.reason}\r\n")
        self.received += _headers(response.headers) + content


def _headers(headers: Any) -> int:
    return sum(len(f"{name}: {value}\r\n") for name, value in headers.items()) + 2


def seeded_site(courses: int, big: int, size_mb: int) -> tuple[MoodleSite, dict[str, Any]]:
    site = start_site("bench")
    try:
        config = str(site.base / "moodle" / "config.php")
        out = site.php(str(SEED_BENCH), config, str(courses), str(big), str(size_mb), timeout=600)
    except BaseException:
        stop_site(site.base)
        raise
    return site, json.loads(out.strip().splitlines()[-1])


def signed_in(site: MoodleSite) -> MoodlePlatform:
    http = HttpClient(
        NetworkConfig(base_url=site.url, proxy="none", ca_bundle=str(site.certificate))
    )
    return MoodlePlatform(http, moodle_ws.token_for(http, *LEARNER))


def outlines(site: MoodleSite, platform: MoodlePlatform, ids: list[int]) -> dict[str, Any]:
    """Each course's outline and the tag the library keeps with it, read once."""
    read = {}
    for course_id in ids:
        fetched = platform.manifest(course_ref(site.url, course_id))
        assert fetched.manifest is not None
        read[fetched.manifest.id] = fetched
    return read


def download_vs_curl(
    site: MoodleSite, platform: MoodlePlatform, files: list[Asset], runs: int, scratch: Path
) -> list[str]:
    urls = [platform.asset_path(asset) for asset in files]
    size_mb = sum(asset.size for asset in files) / 1e6

    def curl(run: int) -> float:
        targets = [a for i, url in enumerate(urls) for a in ("-o", f"{scratch}/c{run}-{i}", url)]
        started = time.perf_counter()  # curl's own start-up counts against curl
        subprocess.run(["curl", "-sS", "--cacert", str(site.certificate), *targets], check=True)
        elapsed = time.perf_counter() - started
        for i in range(len(urls)):
            Path(f"{scratch}/c{run}-{i}").unlink()
        return elapsed

    def companion(run: int, together: bool) -> float:
        # The store is opened before the clock and deleted after it: the app opens it
        # once per session, not per download (curl's files are deleted untimed too).
        store = AssetStore(scratch / f"store-{run}-{together}")
        started = time.perf_counter()
        downloads = Downloader(
            platform.http, store, locate=platform.asset_path, sleep=lambda _s: None
        )
        if together:  # the library's queue: three at a time
            downloads.fetch_all(files, Control.new())
        else:
            for asset in files:
                downloads.fetch(asset, Control.new())
        elapsed = time.perf_counter() - started
        assert all(store.has(asset.sha256) for asset in files)
        assert downloads.bytes_fetched == sum(asset.size for asset in files)
        store.db.close()
        subprocess.run(["rm", "-rf", str(scratch / f"store-{run}-{together}")], check=True)
        return elapsed

    timings: dict[str, list[float]] = {"curl": [], "one": [], "queue": []}
    steps: dict[str, Callable[[int], float]] = {
        "curl": curl,
        "one": lambda run: companion(run, False),
        "queue": lambda run: companion(run, True),
    }
    for run in range(runs + 1):  # interleaved; the first run warms the caches, not counted
        for name, step in steps.items():
            elapsed = step(run)
            if run:
                timings[name].append(elapsed)
    rate = {name: size_mb / statistics.median(values) for name, values in timings.items()}
    what = f"{len(files)} files of {files[0].size / 1e6:.0f} MB over HTTPS, median of {runs}"
    return [
        f"| download {what}, one at a time | curl -o {rate['curl']:.0f} MB/s | Companion "
        f"{rate['one']:.0f} MB/s (SHA-1 checked) | {rate['one'] / rate['curl']:.2f}× curl "
        f"| ≥ 0.9× curl |",
        f"| download {what}, the library's queue (3 at a time) | curl -o {rate['curl']:.0f} "
        f"MB/s (one at a time) | Companion {rate['queue']:.0f} MB/s (SHA-1 checked) | "
        f"{rate['queue'] / rate['curl']:.2f}× curl | ≥ 0.9× curl |",
    ]


def refresh(site: MoodleSite, read: dict[str, Any], user_id: int, runs: int) -> list[str]:
    """The library's refresh of every course, each with the tag it kept, against the
    previous version's (the course list and the contents of each course)."""
    platform = signed_in(site)
    platform.me()
    client = platform._signed_in()
    meter = Meter(platform.http)
    ids = [int(reference.rsplit("-", 1)[1]) for reference in read]
    before: list[tuple[float, int, int, int]] = []
    now: list[tuple[float, int, int, int]] = []
    functions: Counter[str] = Counter()
    for _run in range(runs):
        meter.reset()
        started = time.perf_counter()
        for moodle_id in ids:
            client.call("core_enrol_get_users_courses", userid=user_id)
            client.call("core_course_get_contents", courseid=moodle_id)
        before.append((time.perf_counter() - started, meter.requests, meter.sent, meter.received))
        meter.reset()
        started = time.perf_counter()
        for reference, fetched in read.items():
            assert platform.manifest(reference, fetched.etag).manifest is None
        now.append((time.perf_counter() - started, meter.requests, meter.sent, meter.received))
        functions, files = Counter(meter.functions), meter.files
        assert files == 0
    n = len(read)

    def row(samples: list[tuple[float, int, int, int]]) -> tuple[float, int, int, int]:
        seconds = statistics.median(s[0] for s in samples)
        return seconds, samples[-1][1], samples[-1][2], samples[-1][3]

    old, new = row(before), row(now)
    calls = ", ".join(f"{count} {name}" for name, count in functions.items())
    lines = [
        f"| refresh {n} unchanged courses: requests | {old[1]} (course list + contents, per "
        f"course) | {new[1]} ({calls}); 0 files | {old[1] / new[1]:.1f}× fewer | one "
        "check_updates per course, no file |",
        f"| refresh {n} unchanged courses: HTTP bytes (sent + received) | {old[2]} + {old[3]} "
        f"B ({(old[2] + old[3]) / n:.0f} B per course) | {new[2]} + {new[3]} B "
        f"({(new[2] + new[3]) / n:.0f} B per course) | {(old[2] + old[3]) / (new[2] + new[3]):.1f}"
        "× fewer | — |",
        f"| refresh {n} unchanged courses: time, median of {runs} | {old[0] * 1000:.0f} ms | "
        f"{new[0] * 1000:.0f} ms | {old[0] / new[0]:.1f}× faster | — |",
    ]
    return lines


def push_views(site: MoodleSite, read: dict[str, Any], views: int, scratch: Path) -> list[str]:
    platform = signed_in(site)
    learner = platform.me().id
    chapters = [
        (course, chapter)
        for fetched in read.values()
        for course in [fetched.manifest]
        for part in course.parts
        for chapter in part.chapters
        if any(block.asset is not None for block in chapter.blocks)  # a page, a file
    ]
    progress = ProgressService(scratch / "views", learner)
    for course, chapter in chapters:  # each once completed (a view, and manual completion)
        assert progress.complete_chapter(course.id, chapter, course)
    for i in range(views - len(chapters)):  # the rest: chapters opened again
        course, chapter = chapters[i % len(chapters)]
        progress.open_chapter(course.id, chapter, course)
    queued = progress.pending_count()
    meter = Meter(platform.http)
    started = time.perf_counter()
    report = push(progress, platform, learner, site.url)
    took = time.perf_counter() - started
    assert report.sent == queued and report.set_aside == 0 and progress.pending_count() == 0
    calls = dict(meter.functions)
    progress.close()
    alone = _one_view_call(platform, chapters[0][0])
    per_call = took / meter.requests
    listed = ", ".join(f"{count} {name}" for name, count in sorted(calls.items()))
    return [
        f"| push {queued} queued views ({len(chapters)} completions, the rest opened again) "
        f"| one view call alone: {alone * 1000:.1f} ms (median of 20) | {took:.1f} s, "
        f"{meter.requests} calls ({listed}); {took / queued * 1000:.1f} ms per view, "
        f"{per_call * 1000:.1f} ms per call | {per_call / alone:.2f}× one call's time "
        "per call | — |"
    ]


def _one_view_call(platform: MoodlePlatform, course: CourseManifest) -> float:
    client = platform._signed_in()
    page = client.call("core_course_get_course_module", cmid=_first_page(course))["cm"]
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        client.call("mod_page_view_page", pageid=page["instance"])
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _first_page(course: CourseManifest) -> int:
    for part in course.parts:
        for chapter in part.chapters:
            if "/mod/page/" in chapter.activity_id:
                return int(chapter.id.removeprefix("cm"))
    raise LookupError("no page in the course")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size-mb", type=int, default=8)
    parser.add_argument("--big", type=int, default=3)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--views", type=int, default=1000)
    parser.add_argument(
        "--only", choices=("downloads", "refresh", "push"), help="one measure, not all three"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    site, seeded = seeded_site(args.courses, args.big, args.size_mb)
    try:
        print(f"machine: {machine()}")
        print(f"site: Moodle 5.1 ready in {time.monotonic() - started:.0f} s ({site.url})")
        platform = signed_in(site)
        user_id = int(platform.me().id)
        read = outlines(site, platform, seeded["courses"])
        big = {f"cm{cmid}" for cmid in seeded["big"]}
        files = [
            block.asset
            for fetched in read.values()
            for part in fetched.manifest.parts
            for chapter in part.chapters
            if chapter.id in big
            for block in chapter.blocks
            if block.asset is not None
        ]
        with tempfile.TemporaryDirectory() as folder:
            rows = []
            if args.only in (None, "downloads"):
                rows += download_vs_curl(site, platform, files, args.runs, Path(folder))
            if args.only in (None, "refresh"):
                rows += refresh(site, read, user_id, args.runs)
            if args.only in (None, "push"):
                rows += push_views(site, read, args.views, Path(folder))
        print("| measure | baseline | Companion | result | aim |")
        print("|---|---|---|---|---|")
        for line in rows:
            print(line)
    finally:
        stop_site(site.base)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
