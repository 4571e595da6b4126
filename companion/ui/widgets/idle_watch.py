"""Time without input, for a kiosk: a warning with the seconds left, then "timed out".

Any key, click, wheel or touch anywhere in the application starts the count again. The
watch also knows whether anyone has used the screen since it was last known to hold nothing
of anybody's (``rest``): an untouched sign-in screen has nothing to count down to."""

from __future__ import annotations

import math
import time
from typing import Any

from companion.ui.qt import QApplication, QEvent, QObject, QTimer, Signal

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatch(QObject):
    warning = Signal(int)  # seconds left before the time-out, once a second
    cleared = Signal()  # input came during the warning
    timed_out = Signal()

    def __init__(self, idle_seconds: float, warn_seconds: float, parent: QObject) -> None:
        super().__init__(parent)
        self.idle_seconds = idle_seconds
        self.warn_seconds = min(warn_seconds, idle_seconds)
        self._last_input = time.monotonic()
        self._warning = False
        # Someone may have used the screen: true until the screen is known to be at its
        # start with nothing of anybody's on it, and again at the next input.
        self.used = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: Any) -> bool:  # noqa: N802 - Qt's API
        if event.type() in _INPUT:
            self.used = True
            self.touch()
        return False

    def touch(self) -> None:
        self._last_input = time.monotonic()
        if self._warning:
            self._warning = False
            self.cleared.emit()

    def rest(self) -> None:
        """The screen is back at its start and holds nothing of anybody's (a sign-out or
        an idle wipe has just ended): unused until the next input."""
        self.used = False

    def _tick(self) -> None:
        left = self.idle_seconds - (time.monotonic() - self._last_input)
        if left <= 0:
            self._warning = False
            self._last_input = time.monotonic()  # the next learner gets a full period
            self.timed_out.emit()
        elif left <= self.warn_seconds:
            self._warning = True
            self.warning.emit(math.ceil(left))

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
