"""Small helpers shared by the benchmarks: run a process until it prints a marker, medians."""

from __future__ import annotations

import os
import platform
import queue
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO


@dataclass
class Sample:
    seconds: float
    rss_mib: float
    children_rss_mib: float = 0.0  # processes it started (the demo platform)


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def run_until_marker(
    command: list[str],
    marker: str,
    env: dict[str, str],
    idle_seconds: float = 2.0,
    timeout: float = 60.0,
) -> Sample:
    """Seconds from spawn to ``marker`` on stdout, and resident memory after idling."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        elapsed = seconds_to_marker(process.stdout, marker, started, started + timeout)
        if elapsed is None:
            raise RuntimeError(f"{command} exited before {marker!r}")
        time.sleep(idle_seconds)
        children = sum(resident_mib(child) for child in children_of(process.pid))
        return Sample(elapsed, resident_mib(process.pid), children)
    finally:
        process.terminate()
        process.wait(timeout=20)


def seconds_to_marker(
    stream: IO[str], marker: str, started: float, deadline: float
) -> float | None:
    """Seconds from ``started`` to the line holding ``marker``; None if the stream ended
    first; TimeoutError at ``deadline``. The lines are read on a thread: a process that
    never prints would hold a plain ``readline`` for ever."""
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put((time.perf_counter(), line))
        lines.put((time.perf_counter(), ""))

    threading.Thread(target=read, daemon=True).start()
    while True:
        try:
            seen, line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
        except queue.Empty:
            raise TimeoutError(marker) from None
        if marker in line:
            return seen - started
        if not line:
            return None


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}"
    )


class GapProbe:
    """A 2 ms timer on the GUI thread recording the gap between its ticks: the longest gap
    is the longest time the event loop could not run (a stall the learner would feel)."""

    def __init__(self) -> None:
        from companion.ui.qt import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start(2)

    def restart(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()

    def stop(self) -> None:
        self._timer.stop()

    def summary(self) -> str:
        """'median gap … | longest … | p99 …' for a benchmark table row."""
        gaps = sorted(self.gaps)
        median, longest = gaps[len(gaps) // 2], gaps[-1]
        p99 = gaps[int(len(gaps) * 0.99)]
        return (
            f"median gap {median * 1000:.1f} ms | longest {longest * 1000:.1f} ms | "
            f"p99 {p99 * 1000:.1f} ms"
        )
