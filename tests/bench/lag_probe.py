"""An event-loop lag probe (issue 28): a timer that should fire every few milliseconds
notes the longest gap between two of its turns, i.e. the longest time the GUI thread was
busy with something else (building the home view, say)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer


class LagProbe:
    """Started before the work, stopped after: ``longest`` is the worst stall in ms."""

    def __init__(self, interval_ms: int = 2) -> None:
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.longest = 0.0
        self.ticks = 0

    def start(self) -> LagProbe:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, (now - self._last) * 1000)
        self._last = now
        self.ticks += 1

    def stop(self) -> float:
        self._tick()  # a stall just before the stop counts too
        self._timer.stop()
        return self.longest


def run_until(done: Callable[[], bool], timeout_s: float = 120.0) -> None:
    """Turns the event loop (the probe's timer with it) until ``done``."""
    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("not done in time")
        QCoreApplication.processEvents()
        time.sleep(0.001)


def settle(ms: int) -> None:
    """The event loop turned for ``ms`` more: layouts and paints queued by the work run."""
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        QCoreApplication.processEvents()
        time.sleep(0.001)
