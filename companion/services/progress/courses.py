"""The learner's own course list, and where they stopped reading in each chapter. The only
writer of ``my_courses`` and ``reading_positions`` (in the learner's progress file)."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from companion.store.db import Database

log = logging.getLogger("companion.services")


class CourseList:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- the course list -----------------------------------------------------------------

    def my_courses(self) -> list[str]:
        rows = self.db.read("SELECT course_id FROM my_courses ORDER BY added_at DESC")
        return [row["course_id"] for row in rows]

    def is_enrolled(self, course_id: str) -> bool:
        rows = self.db.read("SELECT enrolled FROM my_courses WHERE course_id = ?", (course_id,))
        return bool(rows and rows[0]["enrolled"])

    def remember_courses(self, course_ids: list[str], enrolled: bool) -> None:
        with self.db.write() as c:
            c.executemany(
                "INSERT INTO my_courses (course_id, enrolled, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (course_id) DO UPDATE SET "
                "enrolled = MAX(enrolled, excluded.enrolled)",
                [(course_id, int(enrolled), time.time()) for course_id in course_ids],
            )

    def adopt_legacy_list(self, library: Path) -> None:
        """The course list was kept in the profile's library.db: it goes with the progress.
        A library file that cannot be read loses only the list (enrolments come back from
        the platform at the next sign-in); it never stops the start."""
        with self.db.lock():
            connection = self.db.connection
            try:
                connection.execute("ATTACH DATABASE ? AS legacy", (str(library),))
            except sqlite3.DatabaseError as error:
                log.warning("course list of this profile not carried over: %s", error)
                return
            try:
                listed = connection.execute(
                    "SELECT 1 FROM legacy.sqlite_master WHERE name = 'my_courses'"
                ).fetchone()
                if listed:
                    connection.execute(
                        "INSERT OR IGNORE INTO main.my_courses (course_id, enrolled, added_at)"
                        " SELECT course_id, enrolled, added_at FROM legacy.my_courses"
                    )
            except sqlite3.DatabaseError as error:
                log.warning("course list of this profile not carried over: %s", error)
            finally:
                connection.execute("DETACH DATABASE legacy")

    # --- reading positions -----------------------------------------------------------------

    def save_position(self, course_id: str, chapter_id: str, position: float) -> None:
        with self.db.write() as c:
            c.execute(
                "INSERT INTO reading_positions VALUES (?, ?, ?, ?) ON CONFLICT "
                "(course_id, chapter_id) DO UPDATE SET position = excluded.position, "
                "updated_at = excluded.updated_at",
                (course_id, chapter_id, position, time.time()),
            )

    def position(self, course_id: str, chapter_id: str) -> float:
        rows = self.db.read(
            "SELECT position FROM reading_positions WHERE course_id = ? AND chapter_id = ?",
            (course_id, chapter_id),
        )
        return float(rows[0]["position"]) if rows else 0.0

    def last_chapter(self, course_id: str) -> str | None:
        """The chapter of ``course_id`` read last, for "Resume"."""
        last = self.db.read(
            "SELECT chapter_id FROM reading_positions WHERE course_id = ?"
            " ORDER BY updated_at DESC LIMIT 1",
            (course_id,),
        )
        return str(last[0]["chapter_id"]) if last else None

    def last_read_times(self) -> dict[str, float]:
        """When a chapter of each course was last opened here (for the courses' order)."""
        rows = self.db.read(
            "SELECT course_id, MAX(updated_at) AS last FROM reading_positions GROUP BY course_id"
        )
        return {row["course_id"]: float(row["last"]) for row in rows}

    @staticmethod
    def claim_rows(connection: sqlite3.Connection) -> None:
        """Every course and position of the attached ``claimed`` file (see claims.py)."""
        connection.execute(
            "INSERT OR IGNORE INTO main.reading_positions SELECT * FROM claimed.reading_positions"
        )
        connection.execute("INSERT OR IGNORE INTO main.my_courses SELECT * FROM claimed.my_courses")
