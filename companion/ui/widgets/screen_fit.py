"""Open the window at a size the screen can show (a 1024×600 netbook, a 150 % font)."""

from __future__ import annotations

from companion.ui.qt import QRect, QSize, QWidget

PREFERRED = QSize(900, 640)  # at the default font; grows with it, never past the screen
MARGIN = 0.95  # the window frame and a little room around it


def fit_to_screen(window: QWidget, available: QRect | None = None) -> None:
    if available is None:
        available = window.screen().availableGeometry()
    scale = max(1.0, window.fontMetrics().height() / 17)  # a larger system font
    frame = window.frameGeometry().size() - window.geometry().size()
    room = QSize(
        int(available.width() * MARGIN) - frame.width(),
        int(available.height() * MARGIN) - frame.height(),
    )
    wanted = QSize(int(PREFERRED.width() * scale), int(PREFERRED.height() * scale))
    window.resize(wanted.boundedTo(room).expandedTo(window.minimumSizeHint().boundedTo(room)))
    left = available.left() + (available.width() - window.frameGeometry().width()) // 2
    top = available.top() + (available.height() - window.frameGeometry().height()) // 2
    window.move(max(available.left(), left), max(available.top(), top))
