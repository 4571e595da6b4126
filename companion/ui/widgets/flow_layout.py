"""A row of buttons that wraps onto a new line when the window is narrow (issue 25: at
200 % text the library's actions made the window 1,138 px wide on a 1,024-px screen). After
Qt's own flow layout example; Qt has no such layout built in."""

from __future__ import annotations

from typing import Any

from companion.ui.qt import QLayout, QLayoutItem, QRect, QSize, Qt

GAP = 6  # px between buttons, across and down


class FlowLayout(QLayout):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's API
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's API
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's API
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        """All on one line."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown) + GAP * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's API
        """As narrow as its widest button: the others go below."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        """Lay the items left to right, wrapping, each centred in its line's height; the
        height used."""
        lines: list[list[QLayoutItem]] = [[]]
        x = rect.x()
        for item in self._shown():
            width = item.sizeHint().width()
            if lines[-1] and x + width > rect.right() + 1:
                lines.append([])
                x = rect.x()
            lines[-1].append(item)
            x += width + GAP
        y = rect.y()
        for line in lines:
            height = max((item.sizeHint().height() for item in line), default=0)
            x = rect.x()
            for item in line:
                hint = item.sizeHint()
                if place:
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(x, top, hint.width(), hint.height()))
                x += hint.width() + GAP
            y += height + GAP
        return max(y - GAP - rect.y(), 0)
