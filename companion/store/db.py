"""SQLite files with WAL, versioned migrations and an integrity check at opening.

Each profile has two files. ``progress.db`` holds what the learner did (irreplaceable);
``library.db`` holds what can be fetched again (manifests, download state, the search
index). A damaged library file is set aside and rebuilt; the progress file is never touched
by that recovery.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from companion import files as guard
from companion.errors import UserFacingError, reference_for
from companion.i18n import _

log = logging.getLogger("companion.store")

Migration = str | Callable[[sqlite3.Connection], None]
# How long a statement waits for another connection's write (another thread's, or another
# Companion process's on the shared assets.db) before it fails with "database is locked".
BUSY_TIMEOUT_SECONDS = 10.0
INCREMENTAL = 2  # PRAGMA auto_vacuum's value for incremental vacuum


class DamagedDatabase(Exception):
    pass


class Database:
    """One SQLite file, one connection used from any thread, one statement at a time.

    The lock serialises writes (one transaction at a time) and keeps ``close()`` from
    pulling the connection away from a worker in the middle of a query.
    """

    def __init__(
        self, path: Path, migrations: Sequence[Migration], *, private: bool = True
    ) -> None:
        """``private``: readable by this account only (every file but a machine-wide
        shared cache's, which every account on the computer opens)."""
        self.path = path
        self.migrations = list(migrations)
        self._lock = threading.RLock()
        _prepare_file(path, private)
        with guard.sqlite_guarded(path):
            self.connection = self._connect()
            try:
                self._check_integrity()
                self._migrate()
            except BaseException:
                self.connection.close()
                raise

    @classmethod
    def in_memory(cls, migrations: Sequence[Migration]) -> Database:
        """A database that keeps nothing: gone when closed (or when the process ends)."""
        database = cls.__new__(cls)
        database.path = Path(":memory:")
        database.migrations = list(migrations)
        database._lock = threading.RLock()
        database.connection = database._connect()
        database._migrate()
        return database

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            str(self.path),
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,
        )
        connection.row_factory = sqlite3.Row
        # Free pages can go back to the file system (``reclaim``). Takes effect in a new
        # file; one made by an earlier release switches at its first ``reclaim``.
        connection.execute("PRAGMA auto_vacuum=INCREMENTAL")
        _use_wal(connection)
        connection.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoint, fast
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    def _check_integrity(self) -> None:
        try:
            row = self.connection.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as error:
            if not guard.is_corruption(error):
                raise  # a permission problem, a full disk, a busy file: not damage
            raise DamagedDatabase(str(error)) from error
        if row is None or row[0] != "ok":
            raise DamagedDatabase(str(row[0] if row else "no answer"))

    @property
    def version(self) -> int:
        return int(self.connection.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Run the missing migrations, one transaction each. The version is read inside
        the transaction: another process opening the same file at the same moment (the
        shared assets.db) may have run a step while this one waited for the lock."""
        if self.version == len(self.migrations):
            return  # the usual case: no write lock taken at each start
        while True:
            with self.write() as connection:
                current = int(connection.execute("PRAGMA user_version").fetchone()[0])
                if current > len(self.migrations):
                    raise UserFacingError(
                        _("This data was written by a newer version of Companion."),
                        _("Update Companion to open it; nothing has been changed."),
                    )
                if current == len(self.migrations):
                    return
                step = self.migrations[current]
                if callable(step):
                    step(connection)
                else:
                    for statement in _statements(step):
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version={current + 1}")
            log.info("migrated %s to version %d", self.path.name, current + 1)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction: committed when the block ends, rolled back when it raises."""
        with self._lock, guard.sqlite_guarded(self.path):  # a full disk, said plainly
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                if self.connection.in_transaction:  # SQLite already rolled back a full disk
                    self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the connection alone (for ATTACH, which cannot run inside a transaction)."""
        with self._lock:
            yield

    def free_share(self) -> float:
        """The share of the file's pages that hold nothing."""
        with self._lock:
            pages = int(self.connection.execute("PRAGMA page_count").fetchone()[0])
            free = int(self.connection.execute("PRAGMA freelist_count").fetchone()[0])
        return free / pages if pages else 0.0

    def reclaim(self) -> None:
        """Give the free pages back to the file system (issue 28: progress.db kept its size
        after its outbox emptied, 58–62 % free). A file of an earlier release has no
        auto_vacuum: switching needs one whole VACUUM (a copy of what is kept, atomic)."""
        with self._lock, guard.sqlite_guarded(self.path):
            if int(self.connection.execute("PRAGMA auto_vacuum").fetchone()[0]) != INCREMENTAL:
                self.connection.execute("PRAGMA auto_vacuum=INCREMENTAL")
                self.connection.execute("VACUUM")
            else:
                self.connection.executescript("PRAGMA incremental_vacuum")  # steps to the end
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def read(self, sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.connection.execute(sql, parameters).fetchall()

    def close(self) -> None:
        with self._lock:
            self.connection.close()


def _prepare_file(path: Path, private: bool) -> None:
    """Create a private database file before SQLite does: SQLite gives its -wal and -shm
    files the main file's permissions. One made 0644 by an earlier release is tightened."""
    if not private:
        with guard.guarded(path.parent):
            path.parent.mkdir(parents=True, exist_ok=True)
        return
    guard.private_folder(path.parent)
    with guard.guarded(path.parent):
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, guard.PRIVATE_FILE))
    for suffix in ("", "-wal", "-shm"):
        guard.tighten(Path(f"{path}{suffix}"))


def _damaged(error: Exception) -> bool:
    """Only SQLite's own verdict (or a failed integrity check) is damage."""
    return isinstance(error, DamagedDatabase) or guard.is_corruption(error)


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";\n") if part.strip()]


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL (a no-op once the file is in WAL). The switch needs the file to itself
    for a moment, and SQLite answers "locked" at once, without its busy wait, while another
    process is creating the same file (two processes opening a new assets.db together)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if not _busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _busy(error: Exception) -> bool:
    code = getattr(error, "sqlite_errorcode", None)  # maybe extended: its low byte is the kind
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def open_rebuildable(
    path: Path, migrations: Sequence[Migration], *, private: bool = True
) -> Database:
    """Open a cache database; if it is damaged, set it aside and start afresh. A file that
    cannot be written (permissions, a full disk) is not damaged: that is a StorageProblem,
    and the file stays where it is."""
    try:
        return Database(path, migrations, private=private)
    except (DamagedDatabase, sqlite3.DatabaseError) as error:
        if not _damaged(error):
            raise  # busy, or an error that says nothing of the file: keep it
        aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
        log.warning("%s is damaged (%s); moved to %s and rebuilt", path.name, error, aside.name)
        with guard.guarded(path.parent):
            for suffix in ("", "-wal", "-shm"):
                companion_file = Path(f"{path}{suffix}")
                if companion_file.exists():
                    companion_file.replace(Path(f"{aside}{suffix}"))
        return Database(path, migrations, private=private)


def open_precious(path: Path, migrations: Sequence[Migration]) -> Database:
    """Open the learner's own data; a damaged file is reported, never replaced."""
    try:
        return Database(path, migrations)
    except (DamagedDatabase, sqlite3.DatabaseError) as error:
        if not _damaged(error):
            raise
        # One reference for the file as it is, whichever view or start meets it (issue 25:
        # each view gave its own), its whole path, and where to go from here.
        seen = path.stat()
        reference = reference_for(f"{path}:{seen.st_size}:{seen.st_mtime_ns}")
        log.error("%s failed its integrity check [%s]: %s", path, reference, error)
        raise UserFacingError(
            _("Your progress file is damaged."),
            _(
                "Companion has not changed it: {path}. Help › Diagnostic… prepares a support "
                "bundle; give its code and this file to support staff."
            ).format(path=path),
            reference=reference,
        ) from error
