"""The content-addressed asset store shared by every profile on the machine.

A file is named by its sha256 and only becomes visible once its bytes have been verified:
downloads write to ``.partial/<sha>.part`` and are moved into place atomically. Courses
hold references to assets; an asset no course holds is garbage. A storage budget evicts
the least recently used course that is not pinned "keep offline".
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path

from companion.errors import UserFacingError
from companion.i18n import _
from companion.store import schema
from companion.store.db import Database, open_rebuildable

log = logging.getLogger("companion.store")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
SPACE_MARGIN_BYTES = 50_000_000  # never fill a disk to the last byte


class AssetStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.partial_dir = root / ".partial"
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        self.db: Database = open_rebuildable(root / "assets.db", schema.ASSETS)

    # --- paths: names are digests, so nothing from a manifest can escape the folder -----

    def path(self, sha256: str) -> Path:
        return self.root / _checked(sha256)[:2] / sha256

    def partial_path(self, sha256: str) -> Path:
        return self.partial_dir / f"{_checked(sha256)}.part"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def commit(self, sha256: str, size: int) -> Path:
        """Move a verified partial file into place (atomic on one file system)."""
        final = self.path(sha256)
        final.parent.mkdir(exist_ok=True)
        os.replace(self.partial_path(sha256), final)
        with self.db.write() as connection:
            connection.execute(
                "INSERT INTO assets (sha256, size, last_used) VALUES (?, ?, ?) "
                "ON CONFLICT (sha256) DO UPDATE SET last_used = excluded.last_used",
                (sha256, size, time.time()),
            )
        return final

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


def _checked(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError(f"not a sha256 digest: {sha256!r}")
    return sha256
