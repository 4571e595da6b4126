from __future__ import annotations

import pytest

from companion.app.context import AppContext
from tests.auth_helpers import Browser

from companion.ui.app import create_application
from companion.ui.main_window import MainWindow
from companion.ui.qt import Qt


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


def signed_in_from_account_tab(qtbot, window: MainWindow, login: str = "camille") -> MainWindow:
    """The learner signs in with the account tab's browser button (their browser played by
    ``Browser``) and the account tab shows who they are."""
    account = window.show_account()
    account.open_browser = Browser(login)
    with qtbot.waitSignal(account.account_changed, timeout=20_000):
        qtbot.mouseClick(account.browser_button, Qt.MouseButton.LeftButton)
    return window
