"""What changed, said once for every view that shows it (STYLE 17, after Anki's
``operation_did_execute``): the composition root (``main_window.MainWindow``) feeds the
hub from the services, and each view or controller subscribes to what it shows. Nobody
relays.

Some signals are emitted on a worker thread (a sign-in, the sync engine's reports):
subscribers are methods of QObjects living on the GUI thread, so Qt queues the call to
them there. Never subscribe a plain function or lambda to those.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from companion.sync_status import Phase

from companion.ui.qt import QObject, Signal

log = logging.getLogger("companion.ui")

T = TypeVar("T")


@dataclass(frozen=True)
class ForLearner(Generic[T]):
    """An answer read on a worker from the progress of the learner here at the time.
    ``current()``, asked on the GUI thread before showing it, says whether that learner is
    still the one here: a kiosk hand-over may have happened meanwhile, told to the window
    later, and nothing read for a learner who left may reach the next one."""

    value: T
    current: Callable[[], bool]


class EventHub(QObject):
    # Progress changed hands (a sign-in, a sign-out, a kiosk session ended): nothing of the
    # previous learner may stay on screen. Emitted on the thread that made the change.
    learner_changed = Signal()
    sync_status = Signal(object)  # a companion.sync_status.SyncStatus, from the sync thread
    synced = Signal()  # a sync ended: progress and certificates from elsewhere may be here
    courses_known = Signal(object)  # list[CatalogEntry]: the catalogue's courses, titles
    library_opened = Signal()  # the library was first shown: the learner's progress is read
    network_changed = Signal(bool)  # the system says the network came (True) or went
    language_changed = Signal()  # every text is said again in the new language
    accounts_changed = Signal()  # a site account was added, signed out of or removed

    def report_learner_changed(self) -> None:  # any thread
        self._emit(self.learner_changed)

    def report_sync(self, status: object) -> None:  # the sync engine's thread
        self._emit(self.sync_status, status)
        if getattr(status, "phase", None) is Phase.IDLE:
            self._emit(self.synced)

    @staticmethod
    def _emit(signal: object, *values: object) -> None:
        try:
            signal.emit(*values)  # type: ignore[attr-defined]
        except RuntimeError:  # the window is gone at quit: nobody to tell
            log.debug("event dropped at shutdown")
