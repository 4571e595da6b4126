"""Times the study of the chapter open in the reader; records it when the learner leaves.

Leaving is: another chapter, back to the outline, another tab, or quitting. Scrolling,
typing and clicking in the reader are the signs of life the clock counts between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from companion.domain import Chapter, CourseManifest
from companion.services.study_clock import StudyClock, StudySpan

from companion.ui.qt import QEvent, QObject, QWidget

Record = Callable[["Studied", bool], None]  # (what was studied, must finish before returning)

_SIGNS_OF_LIFE = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
    }
)


class Studied(NamedTuple):
    course_id: str
    chapter: Chapter
    course: CourseManifest | None
    span: StudySpan


class StudyTracker(QObject):
    def __init__(self, watched: list[QWidget], record: Record) -> None:
        super().__init__()
        self.clock = StudyClock()
        self.record = record
        self._studying: tuple[str, Chapter, CourseManifest | None] | None = None
        for widget in watched:
            widget.installEventFilter(self)

    def begin(self, course_id: str, chapter: Chapter, course: CourseManifest | None) -> None:
        self.end()
        self._studying = (course_id, chapter, course)
        self.clock.start()

    def resume(self) -> None:
        """Back on the chapter left open (the tab shown again): a new session starts."""
        if self._studying is not None and not self.clock.running:
            self.clock.start()

    def pause(self, wait: bool = False) -> None:
        """The chapter stays open but out of sight: record what was studied so far."""
        span = self.clock.stop()
        if span is not None and self._studying is not None:
            course_id, chapter, course = self._studying
            self.record(Studied(course_id, chapter, course, span), wait)

    def end(self, wait: bool = False) -> None:
        self.pause(wait)
        self._studying = None

    def abandon(self) -> None:
        """Stop without recording: the learner changed, and what was counted so far was
        already recorded for the one who left (the tab was hidden, or sign-out paused it)."""
        self.clock.stop()
        self._studying = None

    def touch(self) -> None:
        self.clock.touch()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's API
        if event.type() in _SIGNS_OF_LIFE:
            self.clock.touch()
        return False
