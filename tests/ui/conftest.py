from __future__ import annotations

import pytest

from companion.context import AppContext

from companion.ui.app import create_application
from companion.ui.main_window import MainWindow


@pytest.fixture
def make_window(qtbot, qapp):
    create_application([])  # style sheet, icon and names, as the real start does
    contexts = []

    def make() -> MainWindow:
        context = AppContext.create()
        contexts.append(context)
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        return window

    yield make
    for context in contexts:
        context.close()


def refreshed(qtbot, window: MainWindow) -> MainWindow:
    with qtbot.waitSignal(window.catalog_shown, timeout=20_000):
        window.refresh_catalog()
    return window
