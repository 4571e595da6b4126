"""Files on the learner's computer, handled safely: atomic writes, owner-only folders, and
storage problems told apart (a folder Companion may not write, a full disk, real damage).

Atomic writes: a crash or a full disk never leaves half a file behind.

Only real damage (SQLite says the file is corrupt or not a database, or its integrity check
fails) may set a rebuildable file aside. A permission problem or a full disk is the
computer's, not the file's: moving files then would make things worse (the next start
finds an empty library, or fails to move them back), so it is reported and nothing is
touched. SQLite's error codes say which (``sqlite_errorcode``), not its message text.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.errors import UserFacingError
from companion.i18n import _

if TYPE_CHECKING:
    import sqlite3


def _not_permitted() -> frozenset[int]:
    """SQLite's primary result codes (the low byte of an extended code) for "may not write
    or open here": the sqlite3 module names them from Python 3.11. It is imported when an
    SQLite error is looked at, not before the window's first paint (issue 14)."""
    import sqlite3

    return frozenset(
        {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH}
    )


def _damaged() -> frozenset[int]:
    import sqlite3

    return frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


_DENIED_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


class StorageProblem(UserFacingError):
    """Companion cannot write where it keeps its files, for a reason outside Companion.
    ``kind`` is "permission" or "full" (for the doctor and tests)."""

    def __init__(self, kind: str, path: Path, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.kind = kind
        self.path = path


def not_permitted(path: Path) -> StorageProblem:
    return StorageProblem(
        "permission",
        path,
        _("Companion is not allowed to write to {path}.").format(path=path),
        _(
            "This is a permission problem, not damage: nothing has been changed. Give your"
            " user account read and write access to it (or ask the computer's"
            " administrator), then try again."
        ),
    )


def disk_full(path: Path) -> StorageProblem:
    return StorageProblem(
        "full",
        path,
        _("The disk holding {path} is full.").format(path=path),
        _(
            "Nothing has been lost. Free some space (empty the bin, remove large files or"
            " downloaded courses you no longer need), then try again."
        ),
    )


def problem_from_os_error(error: OSError, path: Path | None = None) -> StorageProblem | None:
    """The storage problem an OSError is, or None for anything else (left to the caller)."""
    where = path if path is not None else Path(str(error.filename or "?"))
    if isinstance(error, PermissionError) or error.errno in _DENIED_ERRNOS:
        return not_permitted(where)
    if error.errno in _FULL_ERRNOS:
        return disk_full(where)
    return None


def _primary_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)  # maybe extended: its low byte is the kind
    return None if code is None else int(code) & 0xFF


def problem_from_sqlite_error(error: sqlite3.Error, path: Path) -> StorageProblem | None:
    """The storage problem behind an SQLite error on the file ``path``, or None."""
    import sqlite3

    code = _primary_code(error)
    if code in _not_permitted():
        return not_permitted(path)
    if code == sqlite3.SQLITE_FULL:
        return disk_full(path)
    return None


@contextmanager
def sqlite_guarded(path: Path) -> Iterator[None]:
    """Turn an SQLite permission or full-disk error on ``path`` into a StorageProblem."""
    import sqlite3

    try:
        yield
    except sqlite3.Error as error:
        problem = problem_from_sqlite_error(error, path)
        if problem is None:
            raise
        raise problem from error


def is_corruption(error: BaseException) -> bool:
    """True only when SQLite itself says the file is damaged or is not a database."""
    return _primary_code(error) in _damaged()


@contextmanager
def guarded(path: Path) -> Iterator[None]:
    """Turn a permission or full-disk OSError inside the block into a StorageProblem."""
    try:
        yield
    except OSError as error:
        problem = problem_from_os_error(error, path)
        if problem is None:
            raise
        raise problem from error


# --- files readable by their owner only --------------------------------------------------

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def private_folder(path: Path) -> Path:
    """Create ``path`` and its missing parents readable by their owner only (a learner's
    progress, account and courses are nobody else's on a shared computer); a folder from an
    earlier release, made with the umask's 0755, is tightened."""
    create_missing(path)
    tighten(path)
    return path


def create_missing(path: Path) -> None:
    """Create the missing folders of ``path``, owner-only; leave existing ones as they are
    (a folder the learner chose to export to is theirs)."""
    missing: list[Path] = []
    existing = path
    while not existing.exists() and existing.parent != existing:
        missing.append(existing)
        existing = existing.parent
    with guarded(existing):  # a refusal names the folder that refused
        for folder in reversed(missing):
            folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)


def tighten(path: Path) -> None:
    """Take group and other access away from ``path`` when this account owns it (a file or
    folder someone else made, an administrator's, is theirs to decide)."""
    if os.name != "posix":
        return  # Windows keeps each account's profile folders private already
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    mode = stat.S_IMODE(status.st_mode)
    if status.st_uid != os.geteuid() or not mode & 0o077:
        return
    with guarded(path):
        path.chmod(mode & ~0o077)


def write_atomic(path: Path, data: bytes) -> None:
    import tempfile  # not needed to start and show what is saved

    create_missing(path.parent)  # mkstemp makes the file 0600: the folder owner-only too
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, payload: Any) -> None:
    write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))


def read_json(path: Path) -> Any | None:
    """The JSON in ``path``, or None when it is missing or unreadable (nested too deep
    included: a saved answer of a hostile platform must not crash its reader)."""
    from companion import jsonlimits

    try:
        return jsonlimits.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def read_tail(path: Path, limit: int) -> str | None:
    """The last ``limit`` bytes of a text file (what happened last is what matters; a log
    may be long), decoded forgivingly; None when it cannot be read."""
    try:
        with path.open("rb") as source:
            size = source.seek(0, 2)
            source.seek(max(0, size - limit))
            return source.read(limit).decode("utf-8", "replace")
    except OSError:
        return None
