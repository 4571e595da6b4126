"""Statements waiting to be sent, drained by the sync (companion/sync/outbox.py). A statement
is queued in the transaction of the action it describes, and leaves only when the platform
has acknowledged it. The only writer of ``outbox``."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from companion.logs import REDACTOR
from companion.services.progress.facts import KnownStatements
from companion.store.db import Database

Row = tuple[str, str, float]  # a queued statement as stored: id, JSON, when
RECLAIM_FREE_SHARE = 0.25  # once the outbox empties, a file this free is made smaller


class Outbox:
    """``learner`` is the platform's subject of the file's owner, written beside each
    queued statement; None for actions made where nobody has signed in yet."""

    def __init__(self, db: Database, learner: str | None, saved: Callable[[], None]) -> None:
        self.db = db
        self.learner = learner
        self._saved = saved

    def queue(self, connection: sqlite3.Connection, made: dict[str, Any]) -> None:
        """An action's statement, in the action's transaction: a fact at once (progress
        shows it), and queued to be sent."""
        connection.execute(
            "INSERT INTO outbox (id, statement, created_at, learner) VALUES (?, ?, ?, ?)",
            (made["id"], json.dumps(made, ensure_ascii=False), time.time(), self.learner),
        )
        KnownStatements.know(connection, made)

    def pending_statements(self) -> list[dict[str, Any]]:
        rows = self.db.read("SELECT statement FROM outbox WHERE set_aside = 0 ORDER BY created_at")
        return [json.loads(row["statement"]) for row in rows]

    def take(self, limit: int, learner: str) -> list[tuple[str, dict[str, Any]]]:
        """The oldest statements ``learner`` may send: theirs, and those made while nobody
        was signed in (claimed by the first learner to sign in on this profile)."""
        rows = self.db.read(
            "SELECT id, statement FROM outbox WHERE set_aside = 0"
            " AND (learner IS NULL OR learner = ?) ORDER BY created_at, rowid LIMIT ?",
            (learner, limit),
        )
        return [(row["id"], json.loads(row["statement"])) for row in rows]

    def acknowledge(self, ids: list[str]) -> None:
        """The platform has the statements: only now do they leave the outbox."""
        with self.db.write() as c:  # one statement for the batch, not one per id
            c.execute(
                "DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            )
            left = c.execute("SELECT 1 FROM outbox WHERE set_aside = 0 LIMIT 1").fetchone()
        if left is None and self.db.free_share() > RECLAIM_FREE_SHARE:
            self.db.reclaim()  # the queue is empty: the file gives back what it held

    def set_aside(self, statement_id: str, reason: str) -> None:
        """The platform refused it as invalid: kept for diagnostics, no longer progress."""
        with self.db.write() as c:
            KnownStatements.forget(c, [statement_id])
            c.execute(
                "UPDATE outbox SET set_aside = 1, last_error = ? WHERE id = ?",
                (_storable(reason), statement_id),
            )

    def note_failure(self, ids: list[str], reason: str) -> None:
        with self.db.write() as c:
            c.executemany(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(_storable(reason), i) for i in ids],
            )

    def set_aside_statements(self) -> list[tuple[str, str]]:
        """Statements the platform refused as invalid, with why: for diagnostics."""
        rows = self.db.read("SELECT id, last_error FROM outbox WHERE set_aside = 1")
        return [(row["id"], row["last_error"] or "") for row in rows]

    def pending_count(self) -> int:
        """Actions waiting to be sent (every row here is this learner's); also what a
        learner is asked to claim from the actions made before anyone signed in."""
        return int(self.db.read("SELECT COUNT(*) FROM outbox WHERE set_aside = 0")[0][0])

    # --- parking on a kiosk, and claiming ------------------------------------------------

    def pending_rows(self) -> list[Row]:
        """The queued statements as stored (id, JSON, when), to be parked on a kiosk."""
        rows = self.db.read(
            "SELECT id, statement, created_at FROM outbox WHERE set_aside = 0"
            " ORDER BY created_at, rowid"
        )
        return [(row["id"], row["statement"], float(row["created_at"])) for row in rows]

    def requeue(self, rows: list[Row]) -> int:
        """Statements parked at an earlier sign-out, queued again (each id once)."""
        added = 0
        with self.db.write() as c:
            for statement_id, statement, created_at in rows:
                added += c.execute(
                    "INSERT OR IGNORE INTO outbox (id, statement, created_at, learner)"
                    " VALUES (?, ?, ?, ?)",
                    (statement_id, statement, created_at, self.learner),
                ).rowcount
                KnownStatements.know(c, json.loads(statement))
        if added:
            self._saved()
        return added

    def claim_rows(self, connection: sqlite3.Connection) -> int:
        """Every queued row of the attached ``claimed`` file (see claims.py), then every
        row nobody owned becomes this learner's; returns how many that was."""
        connection.execute("INSERT OR IGNORE INTO main.outbox SELECT * FROM claimed.outbox")
        return int(
            connection.execute(
                "UPDATE main.outbox SET learner = ? WHERE learner IS NULL", (self.learner,)
            ).rowcount
        )

    # --- a profile-wide file of an earlier release, split by learner ---------------------

    def other_learners(self, owner: str) -> list[str]:
        """The learners other than ``owner`` this file queued statements for."""
        rows = self.db.read(
            "SELECT DISTINCT learner FROM outbox WHERE learner IS NOT NULL AND learner != ?",
            (owner,),
        )
        return [str(row["learner"]) for row in rows]

    def rows_of(self, learner: str) -> list[Row]:
        rows = self.db.read(
            "SELECT id, statement, created_at FROM outbox WHERE learner = ?", (learner,)
        )
        return [(row[0], row[1], float(row[2])) for row in rows]

    def hand_over(self, learner: str, ids: list[str]) -> None:
        """``learner``'s statements are now in their own file: none stays in this one."""
        with self.db.write() as c:
            c.execute("DELETE FROM outbox WHERE learner = ?", (learner,))
            KnownStatements.forget(c, ids)


def _storable(reason: str) -> str:
    """A reason as it may be kept in progress.db (and shown, and bundled for support):
    a platform's refusal can quote the token it refused, so secrets go first."""
    return REDACTOR.redact(reason)[:2000]
