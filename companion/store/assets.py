"""The content-addressed asset store shared by every profile on the machine.

A file is named by its sha256 and only becomes visible once its bytes have been verified:
downloads write to ``.partial/<sha>.part`` and are moved into place atomically. Courses
hold references to assets; an asset no course holds is garbage. A storage budget evicts
the least recently used course that is not pinned "keep offline".

Several processes use the store at once (two profiles, the app and a headless prefetch).
Whoever downloads an asset holds its lock, ``.partial/<sha>.lock`` (an OS file lock, see
``store.locks``): only the holder writes that asset's partial file or moves it into place;
anyone else waits, then finds the file done. The partial file keeps one name per asset, so
a download cut by a crash or a kill resumes from it in the next process that wants the
asset, once the dead process's lock has gone with it. ``assets.db`` is shared through
SQLite's own locking (WAL, a busy timeout and ``BEGIN IMMEDIATE``, see ``store.db``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import time
from pathlib import Path

from companion.errors import UserFacingError
from companion.files import private_folder
from companion.i18n import _
from companion.store import schema
from companion.store.db import Database, open_rebuildable
from companion.store.locks import FileLock

log = logging.getLogger("companion.store")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
SPACE_MARGIN_BYTES = 50_000_000  # never fill a disk to the last byte
ABANDONED_PARTIAL_SECONDS = 14 * 24 * 3600  # a partial file nobody resumed for this long


class AssetStore:
    def __init__(self, root: Path, *, shared: bool = False) -> None:
        """``shared``: the machine-wide cache policy names (storage.shared_cache_dir), which
        every OS account on a kiosk reads and writes: its folder's and assets.db's
        permissions are the administrator's, never narrowed to one account."""
        self.root = root
        self.partial_dir = root / ".partial"
        if shared:
            self.partial_dir.mkdir(parents=True, exist_ok=True)
        else:
            private_folder(root)  # which courses a learner keeps is theirs to know
            self.partial_dir.mkdir(exist_ok=True)
        self.db: Database = open_rebuildable(root / "assets.db", schema.ASSETS, private=not shared)

    # --- paths: names are digests, so nothing from a manifest can escape the folder -----

    def path(self, sha256: str) -> Path:
        return self.root / _checked(sha256)[:2] / sha256

    def partial_path(self, sha256: str) -> Path:
        return self.partial_dir / f"{_checked(sha256)}.part"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def download_lock(self, sha256: str) -> FileLock:
        """The lock of whoever downloads this asset, in any process or thread; take it
        (``acquire``) before touching the asset's partial file."""
        return FileLock(self.partial_dir / f"{_checked(sha256)}.lock", remove=True)

    def commit(self, sha256: str, size: int) -> Path:
        """Move a verified partial file into place (atomic on one file system); the caller
        holds ``download_lock(sha256)``. A verified file already in place is success too:
        someone the lock does not cover (an older Companion) did the same work."""
        final = self.path(sha256)
        partial = self.partial_path(sha256)
        final.parent.mkdir(exist_ok=True)
        # Recorded before the file is moved in: a kill between the two leaves a row with
        # no file (not ``has``; collected like any unheld row), never a file nobody counts
        # or collects (issue 12).
        with self.db.write() as connection:
            connection.execute(
                "INSERT INTO assets (sha256, size, last_used) VALUES (?, ?, ?) "
                "ON CONFLICT (sha256) DO UPDATE SET last_used = excluded.last_used",
                (sha256, size, time.time()),
            )
        if _verified(final, sha256, size):
            partial.unlink(missing_ok=True)
        else:
            try:
                os.replace(partial, final)
            except FileNotFoundError:
                if not _verified(final, sha256, size):
                    raise
                log.info("asset %s was put in place by another process", sha256[:12])
        return final

    def clean_partials(self, abandoned_after: float = ABANDONED_PARTIAL_SECONDS) -> int:
        """Remove the partial files nobody is downloading that are no longer useful: their
        asset is in place, or nobody resumed them for ``abandoned_after`` seconds. Others
        are kept for the next download of their asset to resume, whoever left them."""
        removed = 0
        for partial in self.partial_dir.glob("*.part"):
            sha256 = partial.name.removesuffix(".part")
            if not _SHA256.match(sha256):
                continue
            lock = self.download_lock(sha256)
            if not lock.acquire():
                continue  # being downloaded right now
            try:
                age = time.time() - partial.stat().st_mtime
                if self.has(sha256) or age > abandoned_after:
                    partial.unlink()
                    partial.with_suffix(".etag").unlink(missing_ok=True)  # its version, if kept
                    removed += 1
            except FileNotFoundError:
                pass  # finished by its holder just before we locked
            finally:
                lock.release()
        return removed

    # --- references ---------------------------------------------------------------------

    def hold(self, owner: str, course_id: str, digests: list[str]) -> None:
        with self.db.write() as connection:
            connection.execute(
                "INSERT INTO holdings (owner, course_id, last_used) VALUES (?, ?, ?) "
                "ON CONFLICT (owner, course_id) DO UPDATE SET last_used = excluded.last_used",
                (owner, course_id, time.time()),
            )
            connection.execute(
                "DELETE FROM refs WHERE owner = ? AND course_id = ?", (owner, course_id)
            )
            connection.executemany(
                "INSERT OR IGNORE INTO refs (owner, course_id, sha256) VALUES (?, ?, ?)",
                [(owner, course_id, _checked(d)) for d in digests],
            )

    def touch(self, owner: str, course_id: str) -> None:
        with self.db.write() as connection:
            connection.execute(
                "UPDATE holdings SET last_used = ? WHERE owner = ? AND course_id = ?",
                (time.time(), owner, course_id),
            )

    def set_pinned(self, owner: str, course_id: str, pinned: bool) -> None:
        with self.db.write() as connection:
            connection.execute(
                "UPDATE holdings SET pinned = ? WHERE owner = ? AND course_id = ?",
                (int(pinned), owner, course_id),
            )

    def is_pinned(self, owner: str, course_id: str) -> bool:
        rows = self.db.read(
            "SELECT pinned FROM holdings WHERE owner = ? AND course_id = ?", (owner, course_id)
        )
        return bool(rows and rows[0]["pinned"])

    def release(self, owner: str, course_id: str) -> int:
        """Drop a course's references and collect what nobody holds; returns bytes freed."""
        with self.db.write() as connection:
            connection.execute(
                "DELETE FROM holdings WHERE owner = ? AND course_id = ?", (owner, course_id)
            )
        return self.collect_garbage()

    def collect_garbage(self) -> int:
        with self.db.write() as connection:
            rows = connection.execute(
                "SELECT sha256, size FROM assets WHERE sha256 NOT IN (SELECT sha256 FROM refs)"
            ).fetchall()
            connection.executemany(
                "DELETE FROM assets WHERE sha256 = ?", [(row["sha256"],) for row in rows]
            )
        freed = 0
        for row in rows:
            try:
                self.path(row["sha256"]).unlink()
                freed += int(row["size"])
            except FileNotFoundError:
                pass
        self.clean_partials()
        return freed

    # --- space --------------------------------------------------------------------------

    def used_bytes(self) -> int:
        return int(self.db.read("SELECT COALESCE(SUM(size), 0) FROM assets")[0][0])

    def course_bytes(self, owner: str) -> dict[str, int]:
        rows = self.db.read(
            "SELECT r.course_id, COALESCE(SUM(a.size), 0) AS bytes FROM refs r "
            "JOIN assets a ON a.sha256 = r.sha256 WHERE r.owner = ? GROUP BY r.course_id",
            (owner,),
        )
        return {row["course_id"]: int(row["bytes"]) for row in rows}

    def make_room(self, needed: int, budget: int, keep: tuple[str, str]) -> None:
        """Evict least recently used, unpinned courses until ``needed`` bytes fit the budget;
        then check the disk itself has room."""
        while self.used_bytes() + needed > budget:
            victims = self.db.read(
                "SELECT owner, course_id FROM holdings WHERE pinned = 0 "
                "AND NOT (owner = ? AND course_id = ?) ORDER BY last_used LIMIT 1",
                keep,
            )
            if not victims:
                raise UserFacingError(
                    _("This course does not fit in the storage space set for Companion."),
                    _("Remove a course or raise the storage budget in the settings."),
                )
            owner, course_id = victims[0]["owner"], victims[0]["course_id"]
            log.info("storage budget: evicting %s of %s", course_id, owner)
            self.release(owner, course_id)
        free = shutil.disk_usage(self.root).free
        if free < needed + SPACE_MARGIN_BYTES:
            raise disk_full_error()


def disk_full_error() -> UserFacingError:
    return UserFacingError(
        _("There is not enough free space on this computer's disk."),
        _("Free some space, then start the download again: what is done is kept."),
    )


def _verified(path: Path, sha256: str, size: int) -> bool:
    """``path`` holds exactly the bytes named by ``sha256``."""
    try:
        if path.stat().st_size != size:
            return False
        with path.open("rb") as existing:
            return hashlib.file_digest(existing, "sha256").hexdigest() == sha256
    except (FileNotFoundError, IsADirectoryError):
        return False


def _checked(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError(f"not a sha256 digest: {sha256!r}")
    return sha256
