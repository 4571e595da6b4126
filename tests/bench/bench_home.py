"""The home view with many courses (issue 28), for ``scripts/run-bench scale --only home``.

A learner's profile holds N courses (each a copy of a sample course, stored as the library
stores a manifest, a chapter read in every tenth). The window starts as the app does
(``MainWindow.start`` with what ``AppContext.first_view`` read, offline), the first time
(no saved home view) and again the next time (the cards kept at the last start painted
first); then the learner goes to another tab and back to *Accueil*. An event-loop lag probe
(a 2 ms timer) notes the longest time the GUI thread did not turn its loop, from the
window's show until every card is there and 500 ms more.

Run as a script in a process of its own, with ``--tree``: the checkout whose ``companion``
is measured (the code before issue 28 can be measured in the same run as the code now).
It imports nothing else of that tree's tests: it prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def lag_probe() -> Any:
    from PySide6.QtCore import QTimer

    class Probe:
        def __init__(self) -> None:
            self.timer = QTimer()
            self.timer.setInterval(2)
            self.timer.timeout.connect(self.tick)
            self.last = time.perf_counter()
            self.longest = 0.0

        def tick(self) -> None:
            now = time.perf_counter()
            self.longest = max(self.longest, (now - self.last) * 1000)
            self.last = now

        def start(self) -> Probe:
            self.last, self.longest = time.perf_counter(), 0.0
            self.timer.start()
            return self

        def stop(self) -> float:
            self.tick()
            self.timer.stop()
            return self.longest

    return Probe()


def turn_until(done: Any, timeout_s: float = 600.0) -> float:
    """Turns the event loop until ``done()``; the time it took, in ms."""
    from PySide6.QtCore import QCoreApplication

    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > timeout_s:
            raise TimeoutError("the home view never showed every card")
        QCoreApplication.processEvents()
        time.sleep(0.0005)
    return (time.perf_counter() - start) * 1000


def settle(ms: int) -> None:
    end = time.perf_counter() + ms / 1000
    turn_until(lambda: time.perf_counter() >= end)


def fill(count: int) -> None:
    from companion.app.context import AppContext
    from companion.domain import parse_manifest
    from companion.sandbox.content import load_or_build, sources_dir

    content = load_or_build(sources_dir(), Path(os.environ["COMPANION_HOME"]) / "content")
    base = parse_manifest(next(iter(content.courses.values())).manifest)
    context = AppContext.create()
    try:
        library, progress = context.library(), context.progress()
        ids = [f"course-{n:05d}" for n in range(count)]
        for n, course_id in enumerate(ids):
            copy = base._replace(id=course_id, title=f"{base.title} ({n + 1})")
            library._store_manifest(copy, "")
            if n % 10 == 0:
                progress.complete_chapter(course_id, copy.parts[0].chapters[0], copy)
        progress.remember_courses(ids, enrolled=True)
    finally:
        context.close()


def read_time(runs: int = 3) -> float:
    """``course_cards`` alone, as the home view's worker calls it (ms, the best of 3)."""
    from companion.app.context import AppContext
    from companion.services.home import course_cards

    context = AppContext.create()
    try:
        library, progress = context.library(), context.progress()
        read = getattr(library, "outline", library.manifest)  # before issue 28: the manifest
        best = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            course_cards(progress, read, {})
            best = min(best, (time.perf_counter() - start) * 1000)
        return best
    finally:
        context.close()


def start_window(count: int) -> dict[str, float]:
    """One start of the window: the longest GUI gap until every card is shown, the time
    to show them, then the longest gap going to another tab and back to *Accueil*."""
    from companion.app.context import AppContext
    from companion.jobs import Prefetch

    from companion.ui.main_window import MainWindow
    from companion.ui.qt import QApplication

    context = AppContext.create()
    first = Prefetch(context.first_view)
    first.result()
    window = MainWindow(context)
    window.resize(1100, 800)
    reads: list[float] = []
    window.home.shown.connect(lambda: reads.append(time.perf_counter()))
    probe = lag_probe().start()
    window.start(first)
    window.show()
    home = window.home_view
    build = turn_until(lambda: bool(reads) and len(home.cards) == count)
    settle(500)
    start_gap = probe.stop()
    shown = len(reads)
    window.tabs.setCurrentIndex(1)
    settle(200)
    probe = lag_probe().start()
    window.tabs.setCurrentWidget(home)
    turn_until(lambda: len(reads) > shown and len(home.cards) == count)
    settle(500)
    back_gap = probe.stop()
    window.close()
    context.close()
    QApplication.processEvents()
    return {"build": build, "start_gap": start_gap, "back_gap": back_gap}


# --- in the bench's own process (tests.bench.bench_scale) -------------------------------


def run_home(tree: str, courses: int) -> dict[str, Any]:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, __file__, "--tree", tree, "--courses", str(courses)]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        done = subprocess.run(
            [*command, "--scratch", scratch], capture_output=True, text=True, env=env, timeout=3600
        )
        if done.returncode != 0:
            raise RuntimeError(f"home {courses} ({tree}) failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  home {courses} {tree}: {result}", file=sys.stderr, flush=True)
        return result


def home_table(rows: list[tuple[int, dict[str, float], dict[str, float] | None]]) -> None:
    """``rows``: courses, medians now, medians before (None: not measured)."""
    print("\nHome view: longest GUI-thread gap (event-loop lag probe) and time to every card\n")
    header = [
        "courses",
        "longest gap: first start",
        "usual start",
        "back to Accueil",
        "every card shown (usual start)",
        "course_cards (worker)",
        "before: longest gap",
        "before: every card shown",
        "before: course_cards",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for courses, now, before in rows:
        gap = max(now["first_start_gap"], now["usual_start_gap"], now["usual_back_gap"])
        cells = [
            f"{courses:,}",
            f"{now['first_start_gap']:.0f} ms",
            f"{now['usual_start_gap']:.0f} ms",
            f"{now['usual_back_gap']:.0f} ms",
            f"{now['usual_build']:.0f} ms",
            f"{now['read']:.0f} ms",
        ]
        if before is None:
            cells += ["not measured"] * 3
        else:
            old_gap = max(
                before["first_start_gap"], before["usual_start_gap"], before["usual_back_gap"]
            )
            build = before["usual_build"]
            cells += [
                f"{old_gap:.0f} ms ({old_gap / gap:.0f}×)",
                f"{build:.0f} ms ({build / now['usual_build']:.0f}×)",
                f"{before['read']:.0f} ms ({before['read'] / now['read']:.1f}×)",
            ]
        print("| " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", required=True)
    parser.add_argument("--courses", type=int, required=True)
    parser.add_argument("--scratch", required=True)
    args = parser.parse_args()
    sys.path.insert(0, args.tree)
    os.environ.update(
        COMPANION_HOME=str(Path(args.scratch) / "home"),
        QT_QPA_PLATFORM="offscreen",
        COMPANION_BENCH="1",
    )
    fill(args.courses)
    from companion.ui.app import create_application

    app = create_application([])
    result: dict[str, Any] = {"read": read_time()}
    first = start_window(args.courses)  # no saved home view yet
    usual = start_window(args.courses)  # the cards kept at the last start, painted first
    result.update({f"first_{k}": v for k, v in first.items()})
    result.update({f"usual_{k}": v for k, v in usual.items()})
    result["tree"] = str(Path(sys.modules["companion"].__file__ or "").parent.parent)
    del app
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
