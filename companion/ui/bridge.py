"""One way to run background work (STYLE 3, after Anki's QueryOp).

``run_in_background(parent, work, on_success, on_failure)`` runs ``work`` on the shared
thread pool; the callbacks run on the GUI thread. ``work`` must never touch a widget.
When ``parent`` is destroyed before the work ends, the callbacks are dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from companion.errors import Cancelled

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


def run_in_background(
    parent: QObject,
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> None:
    relay = _Relay()  # no parent: it must outlive a window closed while the work runs
    _running.add(relay)

    def finish() -> None:
        _running.discard(relay)
        relay.deleteLater()

    def succeeded(result: Any) -> None:
        finish()
        if is_alive(parent):
            on_success(result)

    def failed(error: BaseException) -> None:
        finish()
        if isinstance(error, Cancelled) or not is_alive(parent):
            return  # cancellation is shown to nobody; a closed window has no one to tell
        on_failure(error)

    relay.succeeded.connect(succeeded)
    relay.failed.connect(failed)
    QThreadPool.globalInstance().start(_Job(work, relay))


class SyncRelay(QObject):
    """Carries the sync engine's reports, made on its own thread, to the GUI thread."""

    status = Signal(object)  # a companion.sync_status.SyncStatus

    def report(self, status: object) -> None:
        try:
            self.status.emit(status)
        except RuntimeError:  # the window is gone at quit: nobody to tell
            log.debug("sync status dropped at shutdown")
