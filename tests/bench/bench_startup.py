"""Start-up to the first view painted with its content, and memory, against a bare PySide6
window.

    scripts/run-bench startup [--runs 9] [--qpa offscreen|xcb]

Each round starts new processes, alternating so that a busy moment on the machine hits all
alike: the bare window; Companion on a learner's usual start against a platform already
listening on loopback (the catalogue saved by an earlier run is painted from disk while the
platform is asked); its very first start (empty home: the catalogue comes over HTTP); the
first start in demo mode (empty home, no platform configured: the demo platform's process
is started and its courses built); a usual start in demo mode; and a usual start with a
library of 50 downloaded courses. Memory is the app's own resident set; the demo platform's
process is reported beside it.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from companion.sandbox.content import load_or_build
from companion.sandbox.server import SandboxServer
from tests.bench.bench_library import fifty_courses
from tests.bench.harness import Sample, machine, median
from tests.bench.harness import run_until_marker as run_until_painted_marker

HERE = Path(__file__).resolve().parent
APP = [sys.executable, "-m", "companion"]
MODES = ("bare", "usual", "first", "demo-first", "demo-usual", "library-50")
IDLE_SECONDS = 3.0  # memory is read this long after the first view painted (as in issue 14)


def measure(runs: int, qpa: str) -> dict[str, list[Sample]]:
    # An installed app has byte-compiled modules; a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module at every start.
    compileall.compile_dir(str(HERE.parents[1] / "companion"), quiet=1)
    # HOME rather than COMPANION_HOME: folders are found through platformdirs, as for a learner.
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPANION_", "XDG_"))}
    base_env["QT_QPA_PLATFORM"] = qpa
    samples: dict[str, list[Sample]] = {name: [] for name in MODES}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        fifty = load_or_build(fifty_courses(scratch), scratch / "fifty-built")
        with SandboxServer() as sandbox, SandboxServer(content=fifty) as big:
            app_env = {
                **base_env,
                "COMPANION_BENCH": "1",
                "COMPANION_PLATFORM_API_URL": sandbox.url,
            }
            library_env = {**app_env, "COMPANION_PLATFORM_API_URL": big.url}
            library_env["HOME"] = str(scratch / "library")
            fill_library(library_env)
            demo_env = {**base_env, "COMPANION_BENCH": "1"}
            homes = {
                "usual": {**app_env, "HOME": str(scratch / "usual")},
                "demo-usual": {**demo_env, "HOME": str(scratch / "demo-usual")},
                "library-50": library_env,
            }
            for env in homes.values():  # the learner answered the welcome on a first day
                mark_welcomed(env)
            for index in range(runs + 1):  # the first round warms the disk cache and is dropped
                round_ = {
                    "bare": run_until_marker(
                        [sys.executable, str(HERE / "bare_window.py")], "bare painted", base_env
                    ),
                    "usual": run_until_marker(APP, "catalog painted", homes["usual"]),
                    "first": run_until_marker(
                        APP, "catalog painted", {**app_env, "HOME": fresh(scratch, "first")}
                    ),
                    "demo-first": run_until_marker(
                        APP, "catalog painted", {**demo_env, "HOME": fresh(scratch, "demo")}
                    ),
                    "demo-usual": run_until_marker(APP, "catalog painted", homes["demo-usual"]),
                    "library-50": run_until_marker(APP, "catalog painted", library_env),
                }
                if index:
                    for name, sample in round_.items():
                        samples[name].append(sample)
    return samples


def run_until_marker(command: list[str], marker: str, env: dict[str, str]) -> Sample:
    return run_until_painted_marker(command, marker, env, idle_seconds=IDLE_SECONDS)


def fresh(scratch: Path, name: str) -> str:
    """An empty home (the previous round's removed: a first start each time)."""
    home = scratch / f"fresh-{name}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    return str(home)


def mark_welcomed(env: dict[str, str]) -> None:
    """A usual start comes after a first one, where the welcome was answered."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from companion.paths import Paths; from companion.services import first_run; "
            "folder = Paths.default().profile_dir('default'); "
            "folder.mkdir(parents=True, exist_ok=True); first_run.mark_welcomed(folder)",
        ],
        env=env,
        check=True,
        cwd=HERE.parents[1],
    )


def fill_library(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "tests.bench.fill_library"],
        env={k: v for k, v in env.items() if k != "COMPANION_BENCH"},
        check=True,
        cwd=HERE.parents[1],
    )


ROWS = (
    ("usual", "start to first view painted, usual start (saved copy)", "≤ 1.5×"),
    ("first", "start to first view painted, first start (over HTTP)", "—"),
    ("demo-first", "start to first view painted, first start in demo mode", "≤ 2.5×"),
    ("demo-usual", "start to first view painted, usual start in demo mode", "—"),
    ("library-50", "start to first view painted, library of 50 downloaded courses", "—"),
)


def round_by_round(app: list[Sample], bare: list[Sample]) -> tuple[float, float, float]:
    """The ratio to the bare window started in the same round, its quartiles: a slow
    moment on this shared machine slows both of a round, and shows less than in the
    ratio of two medians taken apart."""
    ratios = [mine.seconds / baseline.seconds for mine, baseline in zip(app, bare, strict=True)]
    if len(ratios) < 2:
        return ratios[0], ratios[0], ratios[0]
    low, middle, high = statistics.quantiles(ratios, n=4)
    return low, middle, high


def report(samples: dict[str, list[Sample]], runs: int, qpa: str) -> None:
    start = {name: median([s.seconds for s in values]) for name, values in samples.items()}
    rss = {name: median([s.rss_mib for s in values]) for name, values in samples.items()}
    child = {name: median([s.children_rss_mib for s in values]) for name, values in samples.items()}
    print(f"machine: {machine()}; Qt platform: {qpa}; {runs} runs each, medians")
    print(
        "| measure | bare PySide6 window | Companion | ratio / difference "
        "| round by round: median ratio (middle half) | aim |"
    )
    print("|---|---|---|---|---|---|")
    for name, label, aim in ROWS:
        low, middle, high = round_by_round(samples[name], samples["bare"])
        print(
            f"| {label} | {start['bare'] * 1000:.0f} ms | {start[name] * 1000:.0f} ms | "
            f"{start[name] / start['bare']:.2f}× | {middle:.2f}× ({low:.2f}–{high:.2f}) | {aim} |"
        )
    for name, label in (
        ("usual", "resident memory 3 s after, platform elsewhere"),
        ("demo-usual", "resident memory 3 s after, demo mode"),
        ("library-50", "resident memory 3 s after, library of 50 courses"),
    ):
        extra = f" (+ demo platform process {child[name]:.1f} MiB)" if child[name] else ""
        print(
            f"| {label} | {rss['bare']:.1f} MiB | {rss[name]:.1f} MiB{extra} | "
            f"+{rss[name] - rss['bare']:.1f} MiB | — | ≤ +50 MiB |"
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--qpa", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    args = parser.parse_args(argv)
    report(measure(args.runs, args.qpa), args.runs, args.qpa)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
