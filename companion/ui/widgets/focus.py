"""Where the keyboard focus goes when a page changes: never to a hidden widget."""

from __future__ import annotations

from companion.ui import qt
from companion.ui.qt import QAction, QApplication, Qt, QWidget


def focus_inside(page: QWidget) -> bool:
    """The focus is on ``page`` or one of its widgets."""
    focus = QApplication.focusWidget()
    return focus is not None and (focus is page or page.isAncestorOf(focus))


def focus_first(page: QWidget) -> None:
    """The focus on the page's first control in the focus chain, or the page itself:
    never left on a widget that was hidden with the previous page."""
    widget = page.nextInFocusChain()
    # The whole chain round: a widget added to a page later (a home view's course cards)
    # is put at the chain's end, past the widgets of other pages.
    while widget is not None and widget is not page:
        if (
            page.isAncestorOf(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
        ):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return
        widget = widget.nextInFocusChain()
    page.setFocus(Qt.FocusReason.OtherFocusReason)


def set_enabled_keeping_focus(widget: QWidget, enabled: bool, *neighbours: QWidget) -> None:
    """``widget.setEnabled(enabled)``; when that takes a focused widget out of use, the
    focus goes first to the first neighbour that can take it. Left to Qt, it went to the
    next widget in the chain, wherever that was (issue 27: a download's button)."""
    if not enabled:
        _focus_to_neighbour(widget, neighbours)
    widget.setEnabled(enabled)


def hide_keeping_focus(widget: QWidget, *neighbours: QWidget) -> None:
    """``widget.hide()``, the focus on it given to a neighbour first (as above)."""
    _focus_to_neighbour(widget, neighbours)
    widget.hide()


def _focus_to_neighbour(widget: QWidget, neighbours: tuple[QWidget, ...]) -> None:
    if not widget.hasFocus():
        return
    for neighbour in neighbours:
        if neighbour.isVisible() and neighbour.isEnabled():
            neighbour.setFocus(Qt.FocusReason.OtherFocusReason)
            return


def chrome_last(window: QWidget) -> None:
    """The status bar's controls moved to the end of the window's Tab order, after every
    view: a view built after the window (each tab but the first) joined the chain at its
    end, after the status bar, so Tab went from the tabs to "Sync now" before the view's
    content (issue 27). Content, its actions, then the chrome."""
    bar = window.findChild(qt.QStatusBar)
    if bar is None:
        return
    tab_stop = Qt.FocusPolicy.TabFocus
    # Only what Tab stops at: moving containers, or after a list's inner parts, did not.
    controls = [
        button for button in bar.findChildren(qt.QAbstractButton) if button.focusPolicy() & tab_stop
    ]
    # The chain's last widget of a view, looked for from the end: walking the whole chain
    # (every widget wrapped for Python) made the library's flow layouts crash later.
    last: QWidget | None = window.previousInFocusChain()
    for _step in range(500):
        if last is None or last is window:
            return
        if not bar.isAncestorOf(last) and last.focusPolicy() & tab_stop:
            break
        last = last.previousInFocusChain()
    for control in controls:
        if last is not None and control is not last:
            QWidget.setTabOrder(last, control)
        last = control


def close_with_escape(window: QWidget) -> None:
    """Esc closes a window of its own (the storage, the diagnostic), as it closes a dialog."""
    close = QAction(window)
    close.setShortcut(qt.QKeySequence(Qt.Key.Key_Escape))
    close.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    close.triggered.connect(window.close)
    window.addAction(close)
