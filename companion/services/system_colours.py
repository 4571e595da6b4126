"""The system's light or dark, as last seen, kept between starts (issue 14).

The window applies the colours seen last time without asking Qt before its first paint
(asking sets up Qt's whole namespace: 30-45 ms), and asks once it has painted. One word in
the cache folder, written atomically and readable by its owner only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from companion.files import write_atomic

log = logging.getLogger("companion.services")

FILE_NAME = "system-colours"
_WORDS = {b"dark": True, b"light": False}


def remembered(folder: Path) -> bool | None:
    """True for dark, False for light, None when never seen (or unreadable)."""
    try:
        return _WORDS.get((folder / FILE_NAME).read_bytes().strip())
    except OSError:
        return None


def remember(folder: Path, dark: bool) -> None:
    try:
        write_atomic(folder / FILE_NAME, b"dark" if dark else b"light")
    except OSError as error:  # a read-only cache: asked again at the next start
        log.info("system colours not remembered: %s", error.strerror)
