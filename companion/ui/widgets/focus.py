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


def _tab_stops(parent: QWidget) -> list[QWidget]:
    """The buttons under ``parent`` that Tab stops at: moving containers, or after a
    list's inner parts, did not move them."""
    tab_stop = Qt.FocusPolicy.TabFocus
    buttons = parent.findChildren(qt.QAbstractButton)
    return [button for button in buttons if button.focusPolicy() & tab_stop]


def _notices(window: QWidget) -> tuple[QWidget | None, list[QWidget]]:
    """The window's tab widget, and the buttons of the notices shown above it."""
    central = window.centralWidget() if isinstance(window, qt.QMainWindow) else None
    tabs = central.findChild(qt.QTabWidget) if central is not None else None
    if central is None or tabs is None:
        return None, []
    above = [c for c in central.children() if isinstance(c, QWidget) and c is not tabs]
    return tabs, [control for notice in above for control in _tab_stops(notice)]


def notices_first(window: QWidget) -> None:
    """The notices above the tabs (« Se connecter »…) before the tabs in the Tab order,
    as they are shown: made after the tabs, they joined the chain after every view
    (issue 27). Their buttons go, in order, at the end of the window's chain, which Tab
    goes round to the tabs from: the widget before the tab widget that Tab stops at
    (Qt moves nothing after a widget that takes no focus)."""
    tabs, controls = _notices(window)
    anchor = _tab_stop_before(tabs, controls) if tabs is not None else None
    if anchor is None:
        return
    for control in controls:
        QWidget.setTabOrder(anchor, control)
        anchor = control


def _tab_stop_before(widget: QWidget, skipped: list[QWidget]) -> QWidget | None:
    """The nearest widget before ``widget`` in the focus chain that Tab stops at."""
    before = widget.previousInFocusChain()
    for _step in range(500):
        if before is None or before is widget:
            return None
        if before not in skipped and before.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return before
        before = before.previousInFocusChain()
    return None


def chrome_last(window: QWidget) -> None:
    """The status bar's controls moved to the end of the window's Tab order, after every
    view, the notices above the tabs after them (so, round the chain, before the tabs):
    a view built after the window (each tab but the first) joined the chain at its end,
    after the status bar, so Tab went from the tabs to "Sync now" before the view's
    content (issue 27). Notices, content, its actions, then the chrome."""
    bar = window.findChild(qt.QStatusBar)
    if bar is None:
        return
    tab_stop = Qt.FocusPolicy.TabFocus
    controls = _tab_stops(bar)
    notices = _notices(window)[1]
    # The chain's last widget of a view, looked for from the end: walking the whole chain
    # (every widget wrapped for Python) made the library's flow layouts crash later.
    last: QWidget | None = window.previousInFocusChain()
    for _step in range(500):
        if last is None or last is window:
            return
        if not bar.isAncestorOf(last) and last not in notices and last.focusPolicy() & tab_stop:
            break
        last = last.previousInFocusChain()
    for control in controls:
        if last is not None and control is not last:
            QWidget.setTabOrder(last, control)
        last = control
    notices_first(window)


def close_with_escape(window: QWidget) -> None:
    """Esc closes a window of its own (the storage, the diagnostic), as it closes a dialog."""
    close = QAction(window)
    close.setShortcut(qt.QKeySequence(Qt.Key.Key_Escape))
    close.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    close.triggered.connect(window.close)
    window.addAction(close)
