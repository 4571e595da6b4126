"""Chapters opened and finished, time studied, and the course completed once everything it
needs is done. Each action is saved with its statement in one transaction. The only
writer of ``chapter_completions`` and ``study_sessions``."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypedDict

from companion import xapi
from companion.domain import (
    Chapter,
    CourseManifest,
    completion_requirements,
    course_activity,
    fallback_activity,
)
from companion.services.progress.facts import KnownStatements
from companion.services.progress.outbox import Outbox
from companion.store.db import Database

MIN_STUDY_SECONDS = 10  # shorter visits (a chapter skimmed past) are not study time


class Completions:
    def __init__(self, db: Database, outbox: Outbox, saved: Callable[[], None]) -> None:
        self.db = db
        self.outbox = outbox
        self._saved = saved

    def open_chapter(
        self, course_id: str, chapter: Chapter, course: CourseManifest | None = None
    ) -> None:
        """The learner opened a chapter (xAPI "launched")."""
        made = xapi.statement(
            "launched",
            chapter.activity_id or fallback_activity(course_id, chapter.id),
            "chapter",
            chapter.title,
            **course_context(course),
        )
        with self.db.write() as c:
            self.outbox.queue(c, made)
        self._saved()

    def complete_chapter(
        self, course_id: str, chapter: Chapter, course: CourseManifest | None = None
    ) -> bool:
        """Record that the learner finished a chapter; False when it was already done."""
        with self.db.write() as c:
            added = c.execute(
                "INSERT OR IGNORE INTO chapter_completions VALUES (?, ?, ?)",
                (course_id, chapter.id, time.time()),
            ).rowcount
            if added:
                self.outbox.queue(
                    c,
                    xapi.statement(
                        "completed",
                        chapter.activity_id or fallback_activity(course_id, chapter.id),
                        "chapter",
                        chapter.title,
                        **course_context(course),
                        result={"completion": True},
                    ),
                )
            if course is not None:
                complete_course_if_done(c, course, self.outbox)
        if added:
            self._saved()
        return bool(added)

    def record_study(
        self,
        course_id: str,
        chapter: Chapter,
        seconds: float,
        course: CourseManifest | None = None,
        started_at: float | None = None,
    ) -> bool:
        """Keep one study session (time actually spent on a chapter); False if too short.

        Each session is its own statement, so time studied on several devices adds up
        and a session delivered twice still counts once."""
        if seconds < MIN_STUDY_SECONDS:
            return False
        started = time.time() - seconds if started_at is None else started_at
        made = xapi.statement(
            "experienced",
            chapter.activity_id or fallback_activity(course_id, chapter.id),
            "chapter",
            chapter.title,
            **course_context(course),
            result={"duration": xapi.iso_duration(seconds)},
            when=datetime.fromtimestamp(started, UTC),
        )
        with self.db.write() as c:
            self.outbox.queue(c, made)
            c.execute(
                "INSERT INTO study_sessions VALUES (?, ?, ?, ?, ?)",
                (made["id"], course_id, chapter.id, started, seconds),
            )
        self._saved()
        return True

    def completed_chapters(self, course_id: str) -> set[str]:
        rows = self.db.read(
            "SELECT chapter_id FROM chapter_completions WHERE course_id = ?", (course_id,)
        )
        return {row["chapter_id"] for row in rows}

    @staticmethod
    def claim_rows(connection: sqlite3.Connection) -> None:
        """Every completion and session of the attached ``claimed`` file (see claims.py)."""
        connection.execute(
            "INSERT OR IGNORE INTO main.chapter_completions"
            " SELECT * FROM claimed.chapter_completions"
        )
        connection.execute(
            "INSERT OR IGNORE INTO main.study_sessions SELECT * FROM claimed.study_sessions"
        )


class CourseContext(TypedDict, total=False):
    course_activity: str
    course_name: str


def course_context(course: CourseManifest | None) -> CourseContext:
    """What a statement says of the course it belongs to (none when it is not known)."""
    if course is None:
        return {}
    return {
        "course_activity": course_activity(course),
        "course_name": course.title,
    }


def complete_course_if_done(
    connection: sqlite3.Connection, course: CourseManifest, outbox: Outbox
) -> None:
    """Queue "course completed" once, in the transaction of the action that completed it."""
    activity = course_activity(course)
    needed = completion_requirements(course)
    if not needed:
        return
    # Only this course's activities: the learner's other statements are not read.
    known = KnownStatements.course_facts(
        connection, {activity, *(object_id for _verb, object_id in needed)}
    )
    if not needed <= known or ("completed", activity) in known:
        return
    done = {"completion": True}
    made = xapi.statement("completed", activity, "course", course.title, result=done)
    outbox.queue(connection, made)
