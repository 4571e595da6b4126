"""Quitting's rule (issue 24, item 6): the databases are closed only once every thread has
ended, all waited for together within 2 s; a sync a worker started meanwhile is stopped too."""

from __future__ import annotations

import threading
import time

from companion.ui.quitting import quit_work


class Sync:
    def __init__(self, busy_for: float) -> None:
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=lambda: time.sleep(busy_for), daemon=True)
        self.thread.start()

    def request_stop(self, flush: bool) -> None:
        self.stopped.set()

    def join(self, timeout: float) -> bool:
        self.thread.join(timeout)
        return not self.thread.is_alive()


def test_the_databases_are_closed_once_every_thread_has_ended(qapp, tmp_path):
    closed: list[bool] = []
    sync = Sync(busy_for=0.3)
    assert quit_work(None, lambda: sync, tmp_path / "u.json", lambda: closed.append(True))
    assert sync.stopped.is_set() and closed == [True]


def test_a_thread_still_busy_keeps_the_databases_open_and_quitting_stays_bounded(qapp, tmp_path):
    closed: list[bool] = []
    sync = Sync(busy_for=5.0)
    started = time.monotonic()
    ended = quit_work(None, lambda: sync, tmp_path / "u.json", lambda: closed.append(True), 0.5)
    assert not ended and closed == []  # the process leaves without closing them
    assert time.monotonic() - started < 1.0


def test_a_sync_started_while_quitting_is_stopped_too(qapp, tmp_path):
    made: list[Sync] = []

    def sync_of() -> Sync | None:
        if not made:  # first asked: none yet; a worker starts one meanwhile
            made.append(Sync(busy_for=0.1))
            return None
        return made[0]

    assert quit_work(None, sync_of, tmp_path / "u.json", lambda: None)
    assert made[0].stopped.is_set()
