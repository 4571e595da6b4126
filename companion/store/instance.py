"""One Companion process per profile.

Two processes writing one profile would each keep their own idea of it (the sync engine's
outbox and cursor, rotated refresh tokens, the open chapter's study time) and undo each
other's work. So a process that opens a profile to write it holds ``instance.lock`` in the
profile folder, an OS file lock (``store.locks``), until it closes it or ends. A killed
process leaves no stale lock behind: the operating system drops it with the process.

Within one process the claim is counted, not exclusive: contexts opened one after another
(or side by side, as tests do) share the process's lock.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from companion.errors import UserFacingError
from companion.files import PRIVATE_FILE, guarded, tighten
from companion.i18n import _
from companion.store.locks import FileLock

LOCK_FILE = "instance.lock"

# The lock belongs to the process, so the table of what it holds does too.
_held: dict[Path, tuple[FileLock, int]] = {}
_guard = threading.Lock()


class ProfileInUse(UserFacingError):
    """Another Companion process has this profile open."""


class ProfileClaim:
    """This process's hold on one profile; ``release`` once (later calls do nothing)."""

    def __init__(self, key: Path) -> None:
        self._key: Path | None = key

    def release(self) -> None:
        with _guard:
            key, self._key = self._key, None
            if key is None:
                return
            lock, count = _held[key]
            if count > 1:
                _held[key] = (lock, count - 1)
            else:
                del _held[key]
                lock.release()


def claim(profile_dir: Path, profile: str) -> ProfileClaim:
    """Hold ``profile`` for this process, or raise ProfileInUse when another has it."""
    key = profile_dir.resolve()
    with _guard:
        if key in _held:
            lock, count = _held[key]
            _held[key] = (lock, count + 1)
            return ProfileClaim(key)
        lock = FileLock(key / LOCK_FILE, mode=PRIVATE_FILE)
        with guarded(profile_dir):  # a read-only profile folder: say so, not a traceback
            acquired = lock.acquire()
        if not acquired:
            raise ProfileInUse(
                _("Companion is already open on the profile “{name}”.").format(name=profile),
                _(
                    "Go back to the Companion window already open on it, or wait for the "
                    "command using it to finish, then try again."
                ),
            )
        lock.write_note(f"{os.getpid()}\n")  # which process, for support staff
        tighten(lock.path)  # made 0644 by an earlier release
        _held[key] = (lock, 1)
        return ProfileClaim(key)
