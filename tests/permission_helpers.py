"""Folders and files made read-only for a test, and given back afterwards.

File permissions are not enforced for root (CAP_DAC_OVERRIDE): tests that chmod skip
there, through the ``enforced_permissions`` fixture, which asks the kernel rather than
guessing from the user id (root without that capability is checked like anyone)."""

from __future__ import annotations

import contextlib
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


def permissions_enforced() -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "locked"
        folder.mkdir(mode=0o500)
        try:
            (folder / "probe").touch()
        except PermissionError:
            return True
        finally:
            folder.chmod(0o700)
        return False


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Take the write bits off ``paths`` (folders keep r-x, files r--), then restore them."""
    before = {path: stat.S_IMODE(path.stat().st_mode) for path in paths}
    try:
        for path in paths:
            path.chmod(0o500 if path.is_dir() else 0o400)
        yield
    finally:
        for path in reversed(paths):
            path.chmod(before[path])
