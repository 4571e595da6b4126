"""Start-up to the first painted catalogue, and idle memory, against a bare PySide6 window.

    scripts/run-bench startup [--runs 9] [--qpa offscreen|xcb]

Each run starts new processes against a sandbox platform already listening on loopback:
the bare window; Companion on a learner's usual start (the catalogue saved by an earlier
run is painted from disk while the platform is asked); and Companion's very first start
(empty home: the catalogue must come over HTTP before anything can be listed). The three
alternate so that a busy moment on the machine hits them alike.
"""

from __future__ import annotations

import argparse
import compileall
import os
import sys
import tempfile
from pathlib import Path

from companion.sandbox.server import SandboxServer
from tests.bench.harness import Sample, machine, median, run_until_marker

HERE = Path(__file__).resolve().parent
APP = [sys.executable, "-m", "companion"]


def measure(runs: int, qpa: str) -> dict[str, list[Sample]]:
    # An installed app has byte-compiled modules; a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module at every start.
    compileall.compile_dir(str(HERE.parents[1] / "companion"), quiet=1)
    # HOME rather than COMPANION_HOME: folders are found through platformdirs, as for a learner.
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPANION_", "XDG_"))}
    base_env["QT_QPA_PLATFORM"] = qpa
    samples: dict[str, list[Sample]] = {"bare": [], "usual": [], "first": []}
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory() as scratch:
        app_env = {**base_env, "COMPANION_BENCH": "1", "COMPANION_PLATFORM_API_URL": sandbox.url}
        usual_home = {**app_env, "HOME": str(Path(scratch) / "usual")}
        for index in range(runs + 1):  # the first round warms the disk cache and is dropped
            first_home = {**app_env, "HOME": str(Path(scratch) / f"first-{index}")}
            round_ = {
                "bare": run_until_marker(
                    [sys.executable, str(HERE / "bare_window.py")], "bare painted", base_env
                ),
                "usual": run_until_marker(APP, "catalog painted", usual_home),
                "first": run_until_marker(APP, "catalog painted", first_home),
            }
            if index:
                for name, sample in round_.items():
                    samples[name].append(sample)
    return samples


def report(samples: dict[str, list[Sample]], runs: int, qpa: str) -> None:
    start = {name: median([s.seconds for s in values]) for name, values in samples.items()}
    rss = {name: median([s.rss_mib for s in values]) for name, values in samples.items()}
    print(f"machine: {machine()}; Qt platform: {qpa}; {runs} runs each, medians")
    print("| measure | bare PySide6 window | Companion | ratio / difference | aim |")
    print("|---|---|---|---|---|")
    for name, label in (
        ("usual", "start to catalogue painted, usual start (saved copy)"),
        ("first", "start to catalogue painted, first start (over HTTP)"),
    ):
        print(
            f"| {label} | {start['bare'] * 1000:.0f} ms | {start[name] * 1000:.0f} ms | "
            f"{start[name] / start['bare']:.2f}× | ≤ 1.5× |"
        )
    print(
        f"| resident memory at idle | {rss['bare']:.1f} MiB | {rss['usual']:.1f} MiB | "
        f"+{rss['usual'] - rss['bare']:.1f} MiB | ≤ +80 MiB |"
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
