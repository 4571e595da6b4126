"""Companion as a learner starts it (``python -m companion``), then, once its window is up,
adds the demo course ``WHEEL_PROBE_COURSE`` to the library as the catalogue's button does
and prints the outline the library shows: one line per part, ``outline: <part title>``,
then ``outline shown``. For tests/e2e/test_wheel_install.py, run by an installed wheel's
own Python: what the learner's install has, nothing from the checkout (issue 26)."""

from __future__ import annotations

import os
import runpy
import sys
from typing import Any

COURSE = os.environ["WHEEL_PROBE_COURSE"]


def open_course(window: Any) -> None:
    view = window.library_view

    def shown(outline: Any) -> None:
        if outline.manifest is None:
            print("outline missing", flush=True)
            return
        tree = view.outline
        for index in range(tree.topLevelItemCount()):
            print(f"outline: {tree.topLevelItem(index).text(0)}", flush=True)
        print("outline shown", flush=True)

    # Queued: the view fills its tree from the same signal first.
    from companion.ui.qt import QTimer

    view.controller.outline_read.connect(
        lambda outline: QTimer.singleShot(0, lambda: shown(outline))
    )
    view.controller.add_course(COURSE)


def main() -> None:
    import companion.ui.app as app_module
    from companion.ui.qt import QTimer

    close_on_termination = app_module.close_on_termination

    def also_open(app: Any, window: Any) -> None:
        close_on_termination(app, window)
        QTimer.singleShot(1000, lambda: open_course(window))

    app_module.close_on_termination = also_open
    sys.argv = ["companion"]
    runpy.run_module("companion", run_name="__main__")


if __name__ == "__main__":
    main()
