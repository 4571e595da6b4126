"""Advisory file locks between processes (and between threads: each lock is its own open
file), from the standard library: ``flock`` on POSIX, ``msvcrt.locking`` on Windows.

The lock belongs to an open file, so the operating system frees it when the process ends,
however it ends (SIGKILL, a crash, a power cut): a lock left by a dead process never blocks
anyone, and no "stale lock" heuristics (pids, ages) are needed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileLock:
    """An exclusive lock on ``path``, taken without waiting (``acquire`` says if it got it).

    With ``remove=True`` the file is deleted on release, so that per-item locks do not pile
    up. That is safe because a holder checks, once locked, that the path still names the
    file it locked; if a releasing holder removed it meanwhile, it tries again on the new
    one. (On Windows an open file cannot be deleted; removal is then best effort.)
    """

    def __init__(self, path: Path, *, remove: bool = False, mode: int = 0o644) -> None:
        self.path = path
        self.remove = remove
        self.mode = mode  # a profile's lock is private; a shared cache's is for every account
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already locked by this object")
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, self.mode)
            if not _try_lock(fd):
                os.close(fd)
                return False
            if self._still_named(fd):
                self._fd = fd
                return True
            os.close(fd)  # removed by the holder before us: lock the file now there

    def _still_named(self, fd: int) -> bool:
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)

    def write_note(self, text: str) -> None:
        """Replace the file's content (who holds it, for people looking), best effort."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
            os.lseek(self._fd, 0, os.SEEK_SET)
            os.write(self._fd, text.encode("utf-8"))

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if self.remove and sys.platform != "win32":
            self.path.unlink(missing_ok=True)  # before unlocking: see the class docstring
        _unlock(fd)
        os.close(fd)
        if self.remove and sys.platform == "win32":
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
