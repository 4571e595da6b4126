"""The pace of a download: the learner's bandwidth cap, shared by the parallel downloads,
and the floor below which a download has stalled and stops (issue 24: a file sent one byte
a second took 6 min 12 s to give up, one minute per try)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from companion.i18n import _
from companion.sync.client import PlatformUnreachable

__all__ = ["DownloadStalled", "StallGuard", "Throttle"]


@dataclass(frozen=True)
class StallGuard:
    """A download slower than ``floor`` bytes a second over ``window`` seconds has stalled.

    Read timeouts start again at every byte, so an answer trickling one byte a second
    would hold a download (and its worker) for ever. The floor is far below the slowest
    real line (a rural mobile link gives kilobytes a second) and below any bandwidth cap a
    learner can set (1 KB/s); what arrived is kept and the resume continues from it."""

    window: float = 60.0
    floor: float = 256.0

    def check(self, started: float, received: int, now: float) -> None:
        elapsed = now - started
        if elapsed >= self.window and received < self.floor * elapsed:
            raise DownloadStalled(
                _("The download has almost stopped: the connection is too slow."),
                _("What arrived is kept; Companion continues from there."),
            )


class DownloadStalled(PlatformUnreachable):
    """Below the useful rate for a whole window: the download stops now (another try would
    only wait as long again; 6 min 12 s were seen) and resumes later from what arrived."""


class Throttle:
    """A shared bandwidth cap (bytes per second) for every parallel download."""

    def __init__(self, bytes_per_second: int = 0) -> None:
        self.rate = bytes_per_second
        self._lock = threading.Lock()
        self._next = time.monotonic()

    def spend(self, amount: int) -> None:
        if self.rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            self._next = max(self._next, now) + amount / self.rate
            pause = self._next - now  # these bytes are paid for once their time has passed
        if pause > 0:
            time.sleep(pause)
