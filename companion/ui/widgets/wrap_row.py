"""A row of buttons that wraps onto a new line when the window is narrow (issue 25: at
200 % text the library's actions made the window 1,138 px wide on a 1,024-px screen).

A widget that places its children itself, not a ``QLayout`` of Python's: a layout written
in Python keeps Qt's layout items in a Python list, and one of them was found deleted
under it (a crash when going back to the outline, seen by the accessibility work)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from companion.ui.qt import QObject, QRect, QSize, QSizePolicy, QWidget

GAP = 6  # px between two widgets, across and down
_SHOW, _HIDE, _LAYOUT_REQUEST = 17, 18, 76  # QEvent.Type: Show, Hide, LayoutRequest


class WrapRow(QWidget):
    def __init__(self, widgets: Sequence[QWidget]) -> None:
        super().__init__()
        self.widgets = list(widgets)
        for widget in self.widgets:
            widget.setParent(self)
            widget.installEventFilter(self)  # shown or hidden: the rows change
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _shown(self) -> list[QWidget]:
        return [w for w in self.widgets if not w.isHidden()]

    def eventFilter(self, watched: QObject, event: Any) -> bool:  # noqa: N802 - Qt's API
        if event.type() in (_SHOW, _HIDE, _LAYOUT_REQUEST):
            self._changed()
        return False

    def event(self, event: Any) -> bool:
        if event.type() == _LAYOUT_REQUEST:  # a child's size changed (its text)
            self._changed()
        return super().event(event)

    def _changed(self) -> None:
        self.updateGeometry()
        self._arrange(self.rect(), place=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        """All on one line."""
        shown = self._shown()
        width = sum(w.sizeHint().width() for w in shown) + GAP * max(len(shown) - 1, 0)
        return QSize(width, max((w.sizeHint().height() for w in shown), default=0))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        """As narrow as its widest widget (the others go below: ``heightForWidth`` says
        how tall then), as low as one line."""
        shown = self._shown()
        width = max((w.sizeHint().width() for w in shown), default=0)
        return QSize(width, max((w.sizeHint().height() for w in shown), default=0))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's API
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        self._arrange(self.rect(), place=True)
        super().resizeEvent(event)

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        """Left to right, wrapping, each centred in its line's height; the height used."""
        lines: list[list[QWidget]] = [[]]
        x = rect.x()
        for widget in self._shown():
            width = widget.sizeHint().width()
            if lines[-1] and x + width > rect.right() + 1:
                lines.append([])
                x = rect.x()
            lines[-1].append(widget)
            x += width + GAP
        y = rect.y()
        for line in lines:
            height = max((w.sizeHint().height() for w in line), default=0)
            x = rect.x()
            for widget in line:
                hint = widget.sizeHint()
                if place:
                    top = y + (height - hint.height()) // 2
                    widget.setGeometry(x, top, min(hint.width(), rect.width()), hint.height())
                x += hint.width() + GAP
            y += height + GAP
        return max(y - GAP - rect.y(), 0)
