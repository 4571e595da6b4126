"""Enter presses the focused button, everywhere in the app, as Space does.

Qt presses a focused button on Enter only in a dialog (its "auto default" buttons); in the
main window only Space did, while learners (and screen-reader users, who are told "button")
press Enter (issue 25, issue 27). One application-wide filter, so every view, dialog and
future button behaves the same.
"""

from __future__ import annotations

from companion.ui.qt import QEvent, QObject, QPushButton, Qt

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnterPressesButtons(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QPushButton):
            return False
        key = event.key()  # type: ignore[attr-defined]
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier  # type: ignore[attr-defined]
        if key not in ENTER_KEYS or modifiers != Qt.KeyboardModifier.NoModifier:
            return False
        if not (watched.isEnabled() and watched.isVisible() and watched.hasFocus()):
            return False
        watched.animateClick()  # seen pressed, then clicked: as with Space
        return True
