"""Time actually spent studying a chapter, for the learner's training-time attestation.

Time counts between signs of life (scrolling, typing, clicking). A learner who walks away
leaves the chapter open but stops studying: a silence longer than ``IDLE_SECONDS`` counts
as ``IDLE_SECONDS`` only. The monotonic clock is used, so a change of the system clock (or
a clock set wrong) never makes study time negative or huge.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

IDLE_SECONDS = 300.0


class StudySpan(NamedTuple):
    started_at: float  # wall-clock time, for the statement's timestamp
    seconds: float  # active time


class StudyClock:
    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._monotonic = monotonic
        self._wall = wall
        self._started_at = 0.0
        self._last = 0.0
        self._active = 0.0
        self.running = False

    def start(self) -> None:
        self._started_at = self._wall()
        self._last = self._monotonic()
        self._active = 0.0
        self.running = True

    def touch(self) -> None:
        """The learner did something: the time since the last sign of life was study."""
        if not self.running:
            return
        now = self._monotonic()
        self._active += min(max(0.0, now - self._last), IDLE_SECONDS)
        self._last = now

    def stop(self) -> StudySpan | None:
        if not self.running:
            return None
        self.touch()
        self.running = False
        return StudySpan(self._started_at, self._active)
