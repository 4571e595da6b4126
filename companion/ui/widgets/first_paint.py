"""Work that can wait until the learner sees the window: run just after the first view has
painted with its content, so that it never competes with that paint for the GIL."""

from __future__ import annotations

from collections.abc import Callable

from companion.ui.qt import QEvent, QObject, QTimer, QWidget

# However the first paint goes (a kiosk screen, a view that never loads), the work runs by
# then: the catalogue refresh and the log file must not wait for ever.
DEADLINE_MS = 2000


class AfterFirstPaint(QObject):
    """Calls each callback once, on the GUI thread, after ``widget`` first paints while
    ``ready()`` holds, or after ``deadline_ms``, whichever comes first (None: no deadline,
    the paint only, as the start-up benchmark's probe needs)."""

    def __init__(
        self,
        widget: QWidget,
        ready: Callable[[], bool],
        callbacks: list[Callable[[], None]],
        deadline_ms: int | None = DEADLINE_MS,
    ) -> None:
        super().__init__(widget)
        self._widget = widget
        self._ready = ready
        self._callbacks = callbacks
        self._done = False
        widget.installEventFilter(self)
        if deadline_ms is not None:
            QTimer.singleShot(deadline_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's API
        if not self._done and event.type() == QEvent.Type.Paint and self._ready():
            QTimer.singleShot(0, self, self._run)  # once this paint is on screen
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        for callback in self._callbacks:
            callback()
