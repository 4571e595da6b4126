"""One learner's progress file, as the front ends and the sync use it: a façade over the
parts that own its tables (quizzes, completions, the outbox, the known statements, the sync
state, the course list). It holds no SQL of its own; each method says which part does it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.domain import Chapter, CourseManifest, Quiz
from companion.services.learners import PROGRESS_FILE
from companion.services.progress import claims
from companion.services.progress.completion import Completions
from companion.services.progress.courses import CourseList
from companion.services.progress.facts import Fact, KnownStatements
from companion.services.progress.outbox import Outbox, Row
from companion.services.progress.quiz import QuizResult, Quizzes
from companion.services.progress.standing import CourseProgress, course_progress
from companion.services.progress.sync_state import SyncState
from companion.store import schema
from companion.store.db import Database, open_precious


class ProgressService:
    """One learner's progress: every row in its file is that learner's (issue 9).

    ``folder`` None keeps nothing: an in-memory store for studying on a kiosk without
    signing in. ``learner`` is the platform's subject of the owner, written beside each
    queued statement so the outbox can also be checked row by row; None for actions made
    on a profile where nobody has signed in yet (they wait to be claimed)."""

    def __init__(self, folder: Path | None, learner: str | None = None) -> None:
        self.folder = folder
        self.db: Database = (
            Database.in_memory(schema.PROGRESS)
            if folder is None
            else open_precious(folder / PROGRESS_FILE, schema.PROGRESS)
        )
        self.listeners: list[Callable[[], None]] = []  # told after each saved action
        self.facts = KnownStatements(self.db)
        self.sync_state = SyncState(self.db)
        self.outbox = Outbox(self.db, learner, self._saved)
        self.completions = Completions(self.db, self.outbox, self._saved)
        self.quizzes = Quizzes(self.db, self.outbox, self._saved)
        self.courses = CourseList(self.db)

    @property
    def learner(self) -> str | None:
        return self.outbox.learner  # the outbox writes it beside each statement

    @learner.setter
    def learner(self, learner: str | None) -> None:
        self.outbox.learner = learner

    @property
    def keeps_progress(self) -> bool:
        return self.folder is not None

    def _saved(self) -> None:
        for listener in self.listeners:
            listener()

    # --- actions: quizzes and chapters -------------------------------------------------

    def submit(
        self,
        course_id: str,
        quiz: Quiz,
        answers: Mapping[str, frozenset[str]],
        course: CourseManifest | None = None,
    ) -> QuizResult:
        return self.quizzes.submit(course_id, quiz, answers, course)

    def best_score(self, course_id: str, quiz_id: str) -> float | None:
        return self.quizzes.best_score(course_id, quiz_id)

    def open_chapter(
        self, course_id: str, chapter: Chapter, course: CourseManifest | None = None
    ) -> None:
        self.completions.open_chapter(course_id, chapter, course)

    def complete_chapter(
        self, course_id: str, chapter: Chapter, course: CourseManifest | None = None
    ) -> bool:
        return self.completions.complete_chapter(course_id, chapter, course)

    def record_study(
        self,
        course_id: str,
        chapter: Chapter,
        seconds: float,
        course: CourseManifest | None = None,
        started_at: float | None = None,
    ) -> bool:
        return self.completions.record_study(course_id, chapter, seconds, course, started_at)

    def completed_chapters(self, course_id: str) -> set[str]:
        return self.completions.completed_chapters(course_id)

    def course_progress(self, course: CourseManifest) -> CourseProgress:
        return course_progress(course, self.facts, self.completions, self.quizzes, self.courses)

    # --- progress over every device (the known statements) -------------------------------

    def completed_activities(self) -> set[str]:
        return self.facts.completed_activities()

    def best_scores(self) -> dict[str, float]:
        return self.facts.best_scores()

    def time_studied(self) -> dict[str, float]:
        return self.facts.time_studied()

    def studied_since(self, since: datetime) -> dict[str, float]:
        return self.facts.studied_since(since)

    def facts_for_report(self) -> list[Fact]:
        return self.facts.facts_for_report()

    # --- the outbox and the sync state, for the sync (companion/sync/) -------------------

    def pending_statements(self) -> list[dict[str, Any]]:
        return self.outbox.pending_statements()

    def take(self, limit: int, learner: str) -> list[tuple[str, dict[str, Any]]]:
        return self.outbox.take(limit, learner)

    def acknowledge(self, ids: list[str]) -> None:
        self.outbox.acknowledge(ids)

    def set_aside(self, statement_id: str, reason: str) -> None:
        self.outbox.set_aside(statement_id, reason)

    def note_failure(self, ids: list[str], reason: str) -> None:
        self.outbox.note_failure(ids, reason)

    def set_aside_statements(self) -> list[tuple[str, str]]:
        return self.outbox.set_aside_statements()

    def pending_count(self) -> int:
        return self.outbox.pending_count()

    def merge_pulled(self, statements: list[dict[str, Any]], cursor: str) -> int:
        return self.sync_state.merge_pulled(statements, cursor)

    def pull_cursor(self) -> str:
        return self.sync_state.pull_cursor()

    def last_sync(self) -> float | None:
        return self.sync_state.last_sync()

    def note_sync(self, when: float) -> None:
        self.sync_state.note_sync(when)

    # --- the course list and reading positions -----------------------------------------

    def my_courses(self) -> list[str]:
        return self.courses.my_courses()

    def is_enrolled(self, course_id: str) -> bool:
        return self.courses.is_enrolled(course_id)

    def remember_courses(self, course_ids: list[str], enrolled: bool) -> None:
        self.courses.remember_courses(course_ids, enrolled)

    def last_read_times(self) -> dict[str, float]:
        return self.courses.last_read_times()

    def save_position(self, course_id: str, chapter_id: str, position: float) -> None:
        self.courses.save_position(course_id, chapter_id, position)

    def position(self, course_id: str, chapter_id: str) -> float:
        return self.courses.position(course_id, chapter_id)

    # --- claiming and parking (shared computers) -----------------------------------------

    def claim(self, other: ProgressService) -> int:
        """Take every row of ``other`` (actions made before anyone signed in) as this
        learner's; returns how many queued actions became theirs."""
        owners = (self.courses, self.quizzes, self.completions, self.facts)
        claimed = claims.claim(self.db, other.db.path, owners, self.outbox)
        self._saved()
        return claimed

    def pending_rows(self) -> list[Row]:
        return self.outbox.pending_rows()

    def requeue(self, rows: list[Row]) -> int:
        return self.outbox.requeue(rows)

    def close(self) -> None:
        self.db.close()
