"""Statements known to be true, from this device or pulled from others: the facts derived
progress is computed from (the merge rules of ARCHITECTURE.md). The only writer of
``known_statements``."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from companion import xapi
from companion.store.db import Database
from companion.store.schema import moment_of

log = logging.getLogger("companion.services")


class Fact(NamedTuple):
    verb: str
    object_id: str
    timestamp: str
    seconds: float | None
    course: str | None
    course_name: str | None


class KnownStatements:
    """Reads over every device's statements; writes only inside a caller's transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- writes, in the transaction of the action or the merge ----------------------------

    @staticmethod
    def know(connection: sqlite3.Connection, statement: dict[str, Any]) -> int:
        """Remember a statement as a fact; returns 1 if it was new."""
        result = statement.get("result") or {}
        score = (result.get("score") or {}).get("scaled")
        course, course_name = xapi.course_of(statement)
        verb = str(statement["verb"]["id"]).rsplit("/", 1)[-1]
        return int(
            connection.execute(
                "INSERT OR IGNORE INTO known_statements (id, verb, object_id, score, success,"
                " timestamp, seconds, course, course_name, begun_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    statement["id"],
                    verb,
                    statement["object"]["id"],
                    score,
                    None if "success" not in result else int(bool(result["success"])),
                    statement.get("timestamp", ""),
                    xapi.duration_seconds(result.get("duration")),
                    course,
                    course_name,
                    moment_of(statement.get("timestamp", "")) if verb == "experienced" else None,
                ),
            ).rowcount
        )

    @classmethod
    def know_pulled(cls, connection: sqlite3.Connection, statement: dict[str, Any]) -> int:
        """``know`` for a statement from a store: one that cannot be read is left out (the
        sync checked it already; this is the last guard), never the whole merge."""
        try:
            return cls.know(connection, statement)
        except (KeyError, TypeError, ValueError, AttributeError, sqlite3.Error) as error:
            log.warning("pulled statement left out: %s", type(error).__name__)
            return 0

    @staticmethod
    def forget(connection: sqlite3.Connection, ids: Iterable[str]) -> None:
        """No longer facts: refused by the platform, or handed to another learner's file."""
        connection.execute(
            "DELETE FROM known_statements WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )

    @staticmethod
    def claim_rows(connection: sqlite3.Connection) -> None:
        """Every fact of the attached ``claimed`` file (see claims.py), each id once."""
        connection.execute(
            "INSERT OR IGNORE INTO main.known_statements SELECT * FROM claimed.known_statements"
        )

    @staticmethod
    def course_facts(
        connection: sqlite3.Connection, objects: Iterable[str]
    ) -> set[tuple[str, str]]:
        """(verb, activity) completed or passed among ``objects``, in a caller's transaction:
        only these activities are read, never the learner's other statements."""
        return {
            (row[0], row[1])
            for row in connection.execute(
                "SELECT DISTINCT verb, object_id FROM known_statements"
                " WHERE object_id IN (SELECT value FROM json_each(?))"
                " AND verb IN ('completed', 'passed')",
                (json.dumps(sorted(objects)),),
            )
        }

    # --- reads: progress over every device ------------------------------------------------

    def outcomes(self, activities: Iterable[str]) -> list[sqlite3.Row]:
        """(object_id, verb, best) completed, passed or failed, per activity among these."""
        return self.db.read(
            "SELECT object_id, verb, MAX(score) AS best FROM known_statements"
            " WHERE object_id IN (SELECT value FROM json_each(?))"
            " AND verb IN ('completed', 'passed', 'failed') GROUP BY object_id, verb",
            (json.dumps(sorted(activities)),),
        )

    def completed_activities(self) -> set[str]:
        """Chapters completed on any device: once one says so, it is so."""
        rows = self.db.read("SELECT object_id FROM known_statements WHERE verb = 'completed'")
        return {row[0] for row in rows}

    def best_scores(self) -> dict[str, float]:
        """Best score per quiz activity, over every device: the best one wins."""
        rows = self.db.read(
            "SELECT object_id, MAX(score) AS best FROM known_statements"
            " WHERE score IS NOT NULL GROUP BY object_id"
        )
        return {row["object_id"]: float(row["best"]) for row in rows}

    def time_studied(self) -> dict[str, float]:
        """Seconds studied per course activity, over every device: the sum of sessions."""
        rows = self.db.read(
            "SELECT course, SUM(seconds) AS total FROM known_statements"
            " WHERE verb = 'experienced' AND seconds IS NOT NULL AND course IS NOT NULL"
            " GROUP BY course"
        )
        return {row["course"]: float(row["total"]) for row in rows}

    def studied_since(self, since: datetime) -> dict[str, float]:
        """Seconds studied per course activity in sessions begun at ``since`` or later,
        over every device. Timestamps are compared as moments, not as text: another
        device may write them with another offset or precision (``begun_at``, indexed:
        only the sessions since then are read)."""
        rows = self.db.read(
            "SELECT course, SUM(seconds) AS total FROM known_statements"
            " WHERE verb = 'experienced' AND begun_at >= ?"
            " AND seconds IS NOT NULL AND course IS NOT NULL GROUP BY course",
            (since.timestamp(),),
        )
        return {row["course"]: float(row["total"]) for row in rows}

    def facts_for_report(self) -> list[Fact]:
        """Study sessions and completions (every device), for the training-time report."""
        rows = self.db.read(
            "SELECT verb, object_id, timestamp, seconds, course, course_name"
            " FROM known_statements WHERE verb IN ('experienced', 'completed')"
            " ORDER BY timestamp"
        )
        return [Fact(*row) for row in rows]
