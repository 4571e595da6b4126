"""Issue 13: the window fits a small screen with a large font; focus is always visible."""

from __future__ import annotations

from tests.ui.conftest import refreshed

from companion.ui.qt import QApplication, QRect, Qt, QWidget
from companion.ui.widgets.screen_fit import fit_to_screen


def test_a_150_percent_font_on_a_small_screen_fits(make_window, qtbot, qapp):
    """Demo mode (its long status-bar label), a 150 % font, the offscreen 800-px screen."""
    font = qapp.font()
    original = QApplication.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    qapp.setFont(font)
    try:
        window = make_window()  # not started: nothing asked of the demo platform
        available = window.screen().availableGeometry()
        assert available.contains(window.frameGeometry()), (available, window.frameGeometry())
        laptop = QRect(0, 0, 1366, 728)  # 768 px less a 40 px panel
        fit_to_screen(window, laptop)
        assert laptop.contains(window.frameGeometry()), window.frameGeometry()
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 600, hint
        window.resize(1024, 600)
        window.show_catalogue()
        qtbot.wait(50)
        view = window.catalog_view
        for widget in (window.statusBar(), view.add_button, view.search):
            corner = widget.mapTo(window, widget.rect().bottomRight())
            assert widget.isVisible() and window.rect().contains(corner), widget
    finally:
        qapp.setFont(original)


def looks(widget: QWidget):
    return widget.grab().toImage()


def test_every_tab_stop_shows_its_focus(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_catalogue()
    window.tabs.tabBar().setFocus()
    seen: list[QWidget] = []
    for _step in range(30):  # round the whole chain
        widget = QApplication.focusWidget()
        assert widget is not None
        if widget in seen:
            break
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert window.catalog_view.add_button in seen and window.catalog_view.search in seen
    faint = []
    parking = QWidget(window)  # focus goes here to see each widget without it
    parking.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    parking.show()
    for widget in seen:
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        with_focus = looks(widget)
        parking.setFocus()
        qtbot.waitUntil(parking.hasFocus)
        without = looks(widget)
        changed = sum(
            with_focus.pixel(x, y) != without.pixel(x, y)
            for x in range(with_focus.width())
            for y in range(with_focus.height())
        )
        if changed < 2 * (with_focus.width() + with_focus.height()):  # about a 1-px ring
            faint.append((type(widget).__name__, widget.objectName(), changed))
    assert faint == [], faint
