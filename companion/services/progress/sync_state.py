"""What the sync remembers between runs: the pull cursor, when it last ran, and small
named values other services keep beside them (the certificates already announced). The
only writer of ``sync_state``."""

from __future__ import annotations

import sqlite3
from typing import Any

from companion.services.progress.facts import KnownStatements
from companion.store.db import Database

PULL_CURSOR = "pull_cursor"
LAST_SYNC = "last_sync"


class SyncState:
    def __init__(self, db: Database) -> None:
        self.db = db

    def value(self, key: str) -> str | None:
        rows = self.db.read("SELECT value FROM sync_state WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    @staticmethod
    def value_in(connection: sqlite3.Connection, key: str) -> str | None:
        """``value`` inside a caller's transaction, to change it in the same one."""
        row = connection.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def put(connection: sqlite3.Connection, key: str, value: str) -> None:
        connection.execute(
            "INSERT INTO sync_state VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- the pull cursor and the last sync ----------------------------------------------

    def merge_pulled(self, statements: list[dict[str, Any]], cursor: str) -> int:
        """Statements from other devices, kept once each, with the cursor, atomically."""
        with self.db.write() as c:
            added = sum(KnownStatements.know_pulled(c, s) for s in statements)
            self.put(c, PULL_CURSOR, cursor)
        return added

    def pull_cursor(self) -> str:
        cursor = self.value(PULL_CURSOR)
        return "0" if cursor is None else cursor

    def last_sync(self) -> float | None:
        last = self.value(LAST_SYNC)
        return None if last is None else float(last)

    def note_sync(self, when: float) -> None:
        with self.db.write() as c:
            self.put(c, LAST_SYNC, repr(when))
