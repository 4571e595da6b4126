"""Claiming on a shared computer: the rows of another progress file (actions made before
anyone signed in on the profile) become this learner's, in one transaction. Owns no table:
each part copies its own rows from the attached file, named ``claimed``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from companion.services.progress.outbox import Outbox
from companion.store.db import Database


class RowsOwner(Protocol):
    def claim_rows(self, connection: sqlite3.Connection, /) -> object: ...


def claim(db: Database, source: Path, owners: Iterable[RowsOwner], outbox: Outbox) -> int:
    """Copy every row of ``source`` into ``db``, each part its own tables, then give the
    outbox's unowned rows to its learner; returns how many those were. Idempotent: rows
    are keyed by id, so a claim cut short is done again."""
    with db.lock():
        c = db.connection
        c.execute("ATTACH DATABASE ? AS claimed", (str(source),))  # not inside a transaction
        try:
            c.execute("BEGIN IMMEDIATE")
            try:
                for owner in owners:
                    owner.claim_rows(c)
                claimed = outbox.claim_rows(c)
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")
        finally:
            c.execute("DETACH DATABASE claimed")
    return claimed
