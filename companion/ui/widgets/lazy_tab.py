"""A tab whose view is built the first time it is shown (or asked for), not at start-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from companion.ui.qt import QShowEvent, QVBoxLayout, QWidget
from companion.ui.widgets.focus import chrome_last

V = TypeVar("V", bound=QWidget)


class LazyTab(QWidget, Generic[V]):
    def __init__(self, factory: Callable[[], V]) -> None:
        super().__init__()
        self._factory = factory
        self._view: V | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def created(self) -> bool:
        return self._view is not None

    def view(self) -> V:
        if self._view is None:
            self._view = self._factory()
            self._layout.addWidget(self._view)
            chrome_last(self.window())  # its widgets joined the Tab order after the chrome
            if self.isVisible():  # shown now, not at the event loop's next turn (Qt's way)
                self._view.show()
        return self._view

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's API
        self.view()
        super().showEvent(event)
