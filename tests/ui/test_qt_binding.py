"""The Qt binding itself: faults in it have crashed the app before, so they are tested."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

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


def test_the_early_values_are_qts(qapp):
    """Widgets of the first paint set these numbers as Qt properties (issue 14): they must
    be exactly Qt's values, and setting them must do what Qt's setters do."""
    from companion.ui.qt import Early, QLabel, QProgressBar, Qt

    assert Qt.TextFormat.PlainText.value == Early.PLAIN_TEXT
    assert Qt.AlignmentFlag.AlignCenter.value == Early.ALIGN_CENTER
    assert Qt.FocusPolicy.NoFocus.value == Early.NO_FOCUS
    assert Qt.TextInteractionFlag.TextSelectableByMouse.value == Early.SELECTABLE_BY_MOUSE
    from companion.ui.qt import QEvent
    from companion.ui.widgets.banner import LANGUAGE_CHANGE

    assert QEvent.Type.LanguageChange.value == LANGUAGE_CHANGE
    label = QLabel("<b>not bold</b>")
    assert label.textFormat() == Qt.TextFormat.PlainText
    label.setProperty("alignment", Early.ALIGN_CENTER)
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter
    label.setProperty("textInteractionFlags", Early.SELECTABLE_BY_MOUSE)
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    bar = QProgressBar()
    bar.setProperty("focusPolicy", Early.NO_FOCUS)
    assert bar.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_a_shortcut_given_as_text_is_the_keys_it_names(qapp):
    from companion.ui import qt

    action = qt.QAction()
    qt.shortcut(action, "Ctrl+Shift+S")
    assert action.shortcut().toString() == "Ctrl+Shift+S"


def test_what_waits_for_qts_namespace_runs_once_it_is_set_up(monkeypatch):
    from companion.ui import qt

    monkeypatch.setattr(qt, "namespace_ready", lambda: False)
    calls: list[str] = []
    qt.when_namespace_ready(lambda: calls.append("a"))

    def refit() -> None:
        calls.append("refit")

    qt.when_namespace_ready(refit)  # a label asking at each resize: once is enough
    qt.when_namespace_ready(refit)
    assert calls == []
    qt.set_up_namespace()
    assert calls == ["a", "refit"]
    monkeypatch.undo()
    qt.when_namespace_ready(lambda: calls.append("now"))  # ready: at once
    assert calls[-1] == "now"


def test_every_name_of_the_binding_module_resolves():
    """Names set up on first use (issue 14) must still be there when asked for: a name
    missing from the lazy table once broke the window icon after the first paint."""
    from companion.ui import qt

    missing = [name for name in qt.__all__ if not hasattr(qt, name)]
    assert missing == []


SCAN_PROBE = """
import inspect, sys
import companion.ui.qt
read = []
real = inspect.getsource
inspect.getsource = lambda obj: (read.append(getattr(obj, "__name__", "?")), real(obj))[1]
import companion.ui.views.reader_view  # not imported yet, nor most of what it imports
print(read)
"""


def test_modules_imported_after_pyside6_are_not_read_from_disk():
    """PySide6 read the source of every module imported after it, looking for the word
    "PySide6" (for ``__feature__`` switches Companion never uses): 46 modules, 9-10 ms
    of a usual start before its first paint (issue 14)."""
    done = subprocess.run(
        [sys.executable, "-c", SCAN_PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
