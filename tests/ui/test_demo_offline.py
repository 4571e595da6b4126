"""Issue 13: a newcomer tries offline study from the menu, without stopping anything."""

from __future__ import annotations

from tests.ui.conftest import refreshed

from companion.ui.main_window import MainWindow
from companion.ui.widgets.connection_indicator import ConnectionState


def state_of(window: MainWindow) -> ConnectionState:
    return window.connection.state


def test_file_menu_lets_a_newcomer_try_studying_offline_in_demo_mode(make_window, qtbot):
    window = refreshed(qtbot, make_window())  # demo mode: no platform is configured
    action = window.menus.demo_offline.action
    assert action.isVisible() and not action.isChecked()
    assert window.connection.state is ConnectionState.ONLINE
    with qtbot.waitSignal(window.catalog_shown, timeout=30_000):
        action.trigger()
    qtbot.waitUntil(lambda: state_of(window) is ConnectionState.OFFLINE, timeout=20_000)
    assert window.catalog_view.model.rowCount() > 0  # the saved catalogue stays on show
    assert "hors ligne" in window.platform_label.full_text.lower()
    with qtbot.waitSignal(window.catalog_shown, timeout=30_000):
        action.trigger()
    qtbot.waitUntil(lambda: state_of(window) is ConnectionState.ONLINE, timeout=20_000)


def test_the_switch_is_not_offered_with_a_real_platform(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    assert not window.menus.demo_offline.action.isVisible()
