"""Pause, resume and cancel for long work running on a worker (downloads, syncs)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from companion.errors import Cancelled


@dataclass
class Control:
    cancelled: threading.Event
    resumed: threading.Event  # cleared while paused

    @classmethod
    def new(cls) -> Control:
        resumed = threading.Event()
        resumed.set()
        return cls(threading.Event(), resumed)

    def checkpoint(self) -> None:
        """Called by the work between steps: waits while paused, stops when cancelled."""
        while not self.resumed.wait(0.2):
            if self.cancelled.is_set():
                break
        if self.cancelled.is_set():
            raise Cancelled()
