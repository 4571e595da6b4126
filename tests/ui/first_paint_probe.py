"""Starts Companion as a learner does (``python -m companion``) and reports what start-up
had set up when the first view painted, and again once the window has settled: the start-up
test (test_first_paint.py) reads it. Issue 14: none of it is needed for the first paint."""

import builtins
import gc
import json
import runpy
import sys

REPORT_AFTER_MS = 2500  # after the window's "after the first paint" work (2 s at most)


def state() -> dict[str, bool]:
    core = sys.modules["PySide6.QtCore"]
    gui = sys.modules["PySide6.QtGui"]
    widgets = sys.modules["PySide6.QtWidgets"]
    windows = [w for w in widgets.QApplication.topLevelWidgets() if hasattr(w, "menuBar")]
    return {
        "qt_namespace": "Qt" in vars(core),
        "qstyle": "QStyle" in vars(widgets),
        "garbage_collector": gc.isenabled(),
        "http_stack": "requests" in sys.modules,
        "progress_store": "companion.services.progress" in sys.modules,
        "catalogue_view": "companion.ui.views.catalog_view" in sys.modules,
        "sqlite": "sqlite3" in sys.modules,
        "window_icon": not sys.modules["PySide6.QtWidgets"].QApplication.windowIcon().isNull(),
        "shortcuts": "QKeySequence" in vars(gui),
        "home_cards": any(
            getattr(w, "home_view", None) is not None and bool(w.home_view.cards) for w in windows
        ),
        "menu_actions": any(
            entry.menu().actions() for window in windows for entry in window.menuBar().actions()
        ),
    }


_print = builtins.print


def probe(*args: object, **kwargs: object) -> None:
    _print(*args, **kwargs)  # type: ignore[call-overload]
    if args and args[0] == "companion: catalog painted":
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        _print("painted " + json.dumps(state()), flush=True)

        def later() -> None:
            _print("settled " + json.dumps(state()), flush=True)
            QApplication.quit()

        QTimer.singleShot(REPORT_AFTER_MS, later)


builtins.print = probe
sys.argv = ["companion"]
runpy.run_module("companion", run_name="__main__", alter_sys=True)
