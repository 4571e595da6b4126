"""A stack of pages as tall as the page shown, not as its tallest page (issue 25: the
account tab, signed in, kept the room of its QR-code page: a void above the next part).
Qt's stacked layout answers every height question with its tallest page, hidden ones
included; the holder below answers with the page shown and lays the stack out itself."""

from __future__ import annotations

from typing import Any

from companion.ui.qt import QSize, QSizePolicy, QStackedWidget, QWidget


class PageHolder(QWidget):
    """Holds ``stack`` (no layout of its own: its questions are answered here)."""

    def __init__(self, stack: QStackedWidget) -> None:
        super().__init__()
        self.stack = stack
        stack.setParent(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        stack.currentChanged.connect(lambda _index: self.updateGeometry())

    def _page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        page = self._page()
        return page.sizeHint() if page is not None else QSize(0, 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        page = self._page()
        return page.minimumSizeHint() if page is not None else QSize(0, 0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's API
        page = self._page()
        if page is None:
            return 0
        height = page.heightForWidth(width)
        return height if height >= 0 else page.sizeHint().height()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        self.stack.setGeometry(self.rect())
        super().resizeEvent(event)

    def event(self, event: Any) -> bool:
        if event.type() == LAYOUT_REQUEST:  # the page shown changed its size
            self.updateGeometry()
        return super().event(event)


LAYOUT_REQUEST = 76  # QEvent.Type.LayoutRequest
