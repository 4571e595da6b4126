"""Pause, resume and cancel for long work running on a worker (downloads, syncs)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from companion.errors import Cancelled

T = TypeVar("T")


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


PREFETCH_WAIT_SECONDS = 0.3


class Prefetch(Generic[T]):
    """Work started on a plain thread now, its result taken later: the saved catalogue is
    read while the window is being made, so the window's first paint can already list it
    (issue 14) without the window's thread ever reading a file."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, name="prefetch", daemon=True).start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as error:  # handed to whoever takes the result
            self._error = error
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def ready(self, wait: float = PREFETCH_WAIT_SECONDS) -> bool:
        """Whether the result is there, waiting a little for it: a few small files read
        before the window exists take a few ms; on a busy machine, waiting for them beats
        the way round, which reads the progress file before the first paint."""
        return self._done.wait(wait)

    def result(self) -> T | None:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value
