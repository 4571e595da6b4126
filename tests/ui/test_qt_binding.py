"""The Qt binding itself: faults in it have crashed the app before, so they are tested."""

from __future__ import annotations

import sys
import threading

from companion.ui.qt import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_emitting_a_signal_keeps_python_reference_counts():
    """PySide6 6.12.0 dropped a reference to True on every Signal.emit: after a few
    thousand emits (a long download reports progress ten times a second) the interpreter
    aborted with "bool_dealloc: deallocating True". Each emit must leave counts as they
    were, from the GUI thread and from a worker."""
    emitter = _Emitter()
    received: list[object] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for value in range(200):
        emitter.fired.emit(value)

    def emit_from_worker() -> None:
        for value in range(200):
            emitter.fired.emit(value)

    worker = threading.Thread(target=emit_from_worker)
    worker.start()
    worker.join()
    # Other threads of the test session take and drop references too: a few either way is
    # noise; the fault lost one per emit (-400 here).
    drift = [
        after - was
        for after, was in zip((sys.getrefcount(True), sys.getrefcount(False)), before, strict=True)
    ]
    assert all(abs(d) < 50 for d in drift), drift
    assert len(received) == 200  # the worker's emits wait, queued, for this thread's loop
