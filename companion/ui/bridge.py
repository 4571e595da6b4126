"""One way to run background work (STYLE 3, after Anki's QueryOp).

``run_in_background(parent, work, on_success, on_failure)`` runs ``work`` on a worker
thread; the callbacks run on the GUI thread. ``work`` must never touch a widget. Without
``on_failure``, a failure is logged with its traceback and shown in the window
(``failures.report_failure``): no failure is lost.
When ``parent`` is destroyed before the work ends, the callbacks are dropped.

Two pools: work that may wait on the network (the default) and ``local=True`` work that
only reads or writes this computer (opening a chapter, saving a position, searching). A
stuck platform once held every worker, and a chapter already on disk no longer opened
(issue 12): the local pool is never used by network calls, so it is never held by one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from companion.errors import Cancelled, describe

from companion.ui.failures import report_failure
from companion.ui.qt import QObject, QRunnable, QThreadPool, Signal, is_alive

log = logging.getLogger("companion.ui")


class _Relay(QObject):
    """Lives on the GUI thread; queued signals carry results back to it."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as error:  # reported on the GUI thread, never swallowed
            self._report(self.relay.failed, error)
        else:
            self._report(self.relay.succeeded, result)

    @staticmethod
    def _report(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app is quitting and the relay is gone: nobody to tell
            log.debug("background result dropped at shutdown")


_running: set[_Relay] = set()  # keeps relays alive until their job reports
LOCAL_THREADS = 2
_local_pool: QThreadPool | None = None
_local_pool_lock = threading.Lock()


def local_pool() -> QThreadPool:
    """The workers for work on this computer only (disk, SQLite): never a network call."""
    global _local_pool
    with _local_pool_lock:
        if _local_pool is None:
            _local_pool = QThreadPool()
            _local_pool.setObjectName("companion-local")
            _local_pool.setMaxThreadCount(LOCAL_THREADS)
        return _local_pool


def network_pool() -> QThreadPool:
    return QThreadPool.globalInstance()


def finish_background_work(timeout_ms: int) -> bool:
    """At quit: drop the work not started yet and wait up to ``timeout_ms`` for the rest;
    False when some worker is still busy (a platform that does not answer)."""
    pools = [network_pool(), *([_local_pool] if _local_pool is not None else [])]
    for pool in pools:
        pool.clear()
    return all(pool.waitForDone(timeout_ms) for pool in pools)


def run_in_background(
    parent: QObject,
    work: Callable[[], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    *,
    local: bool = False,
) -> None:
    relay = _Relay()  # no parent: it must outlive a window closed while the work runs
    _running.add(relay)

    def finish() -> None:
        _running.discard(relay)
        relay.deleteLater()

    def succeeded(result: Any) -> None:
        finish()
        if on_success is not None and is_alive(parent):
            on_success(result)

    def failed(error: BaseException) -> None:
        finish()
        if isinstance(error, Cancelled):
            return  # cancellation is shown to nobody
        if not is_alive(parent):
            describe(error)  # a closed window has no one to tell: the log has it
            return
        (on_failure or report_failure)(error)

    relay.succeeded.connect(succeeded)
    relay.failed.connect(failed)
    (local_pool() if local else network_pool()).start(_Job(work, relay))


class SyncRelay(QObject):
    """Carries the sync engine's reports, made on its own thread, to the GUI thread."""

    status = Signal(object)  # a companion.sync_status.SyncStatus

    def report(self, status: object) -> None:
        try:
            self.status.emit(status)
        except RuntimeError:  # the window is gone at quit: nobody to tell
            log.debug("sync status dropped at shutdown")
