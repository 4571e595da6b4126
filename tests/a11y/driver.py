"""Companion's window in a process of its own, on the X server, exposed on the AT-SPI bus;
steered by the test through its standard input.

``python -m tests.a11y.driver`` (COMPANION_HOME, the platform's address and the buses from
the environment). Each line read is a JSON string of Python code, run on the GUI thread with
``window``, ``wait_until`` and ``keys`` at hand; the answer is one JSON line:
``{"ok": true, "value": repr(result)}`` (the code may set ``result``), or the traceback.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from companion.app.context import AppContext

from companion.ui.app import create_application
from companion.ui.main_window import MainWindow
from companion.ui.qt import QApplication, QObject, Qt, Signal


class Commands(QObject):
    line = Signal(str)


def wait_until(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Run Qt's events until ``check()`` is true (its value), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        QApplication.processEvents()
        time.sleep(0.01)
    raise AssertionError(f"not true after {timeout} s")


def wait(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def keys(*presses: Any, widget: Any = None) -> None:
    """Keys pressed on the focused widget (``Qt.Key`` values, or (key, modifiers))."""
    from PySide6.QtTest import QTest

    for press in presses:
        key, modifiers = press if isinstance(press, tuple) else (press, Qt.KeyboardModifier(0))
        target = widget or QApplication.focusWidget()
        assert target is not None, "no widget has the focus"
        QTest.keyClick(target, key, modifiers)
        wait(0.05)


def main() -> None:
    app = create_application(sys.argv)
    context = AppContext.create()
    window = MainWindow(context)
    window.start()
    window.show()
    window.activateWindow()  # no window manager on the test's X server: it is given focus
    namespace: dict[str, Any] = {
        "window": window,
        "context": context,
        "wait_until": wait_until,
        "wait": wait,
        "keys": keys,
        "Qt": Qt,
    }
    commands = Commands()

    def run(line: str) -> None:
        namespace["result"] = None
        try:
            exec(json.loads(line), namespace)  # the test's own code
            answer = {"ok": True, "value": repr(namespace["result"])}
        except BaseException:  # told to the test, which fails
            answer = {"ok": False, "error": traceback.format_exc()}
        print(json.dumps(answer), flush=True)

    commands.line.connect(run)

    def read() -> None:
        for line in sys.stdin:
            commands.line.emit(line)
        commands.line.emit(json.dumps("QApplication.quit()"))

    namespace["QApplication"] = QApplication
    threading.Thread(target=read, daemon=True).start()
    print(json.dumps({"ok": True, "value": "ready"}), flush=True)
    try:
        app.exec()
    finally:
        context.close()


if __name__ == "__main__":
    main()
