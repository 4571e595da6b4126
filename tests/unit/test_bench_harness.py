"""The benchmarks' process runner keeps its deadline: its ``readline`` waited for ever on a
process that never printed its marker (seen with a profiling variant of the app that never
painted: the deadline was checked only between lines)."""

from __future__ import annotations

import sys
import time

import pytest

from tests.bench.harness import run_until_marker

SILENT = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_process_that_never_prints_its_marker_stops_at_the_deadline():
    started = time.perf_counter()
    with pytest.raises(TimeoutError):
        run_until_marker(SILENT, "painted", {}, idle_seconds=0, timeout=1.0)
    assert time.perf_counter() - started < 10  # the silent process is ended too


def test_a_process_that_ends_before_its_marker_is_an_error():
    with pytest.raises(RuntimeError, match="exited before"):
        run_until_marker([sys.executable, "-c", "print('hello')"], "painted", {}, timeout=10)


def test_the_seconds_to_the_marker_line():
    command = [
        sys.executable,
        "-c",
        "import time; print('x', flush=True); print('painted', flush=True); time.sleep(60)",
    ]
    sample = run_until_marker(command, "painted", {}, idle_seconds=0, timeout=20)
    assert 0 < sample.seconds < 20
    assert sample.rss_mib > 0
