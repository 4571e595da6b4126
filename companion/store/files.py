"""Small atomic file helpers: a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_atomic(path: Path, data: bytes) -> None:
    import tempfile  # not needed to start and show what is saved

    from companion.store.guard import create_missing

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
