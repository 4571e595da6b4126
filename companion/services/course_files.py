"""Course files as the learner opens or saves them: which types the system may open (and
with which extension), how course text is decoded, and private copies that never run."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import NamedTuple

from companion.files import create_missing

log = logging.getLogger("companion.services")


class OpenableFile(NamedTuple):
    path: Path | None  # None: not a type Companion opens; offer "Save as…"
    media_type: str  # lower case, without parameters


# The only files handed to the system's default application, each with the extension chosen
# here: the extension picks the application, so it never comes from the platform's media
# type (``mimetypes`` made .sh, .py, .jar and .com of it, and would make .exe or .js on
# Windows). Documents and media whose usual viewers run no code: PDF, raster images, audio,
# video, plain text, and OpenDocument / Office Open XML documents (their macro-enabled
# variants have other types and extensions: .docm, .xlsm...). Left out on purpose: HTML and
# SVG (a browser runs their scripts), legacy Office formats (.doc, .xls, .ppt carry macros),
# archives, scripts, programs and anything unknown. Those are offered as "Save as…".
OPENABLE = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/webm": ".weba",
    "audio/flac": ".flac",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/ogg": ".ogv",
    "text/plain": ".txt",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}


def essential_type(media_type: str) -> str:
    """``Text/HTML; charset=UTF-8`` -> ``text/html``."""
    return media_type.split(";", 1)[0].strip().lower()


def openable_extension(media_type: str) -> str | None:
    return OPENABLE.get(essential_type(media_type))


def declared_charset(media_type: str) -> str | None:
    for parameter in media_type.split(";")[1:]:
        name, _sep, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            return value.strip().strip('"')
    return None


def decode_text(data: bytes, media_type: str) -> str:
    """Text as the platform declared it (``charset``), else UTF-8, else Windows-1252 with
    replacement characters: a chapter in an unexpected encoding reads a little wrong, it
    never fails the course (issue 12)."""
    import codecs

    charset = declared_charset(media_type)
    if charset:
        try:
            codecs.lookup(charset)
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            log.info("text not in its declared charset %.40r", charset)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: Path, media_type: str) -> str:
    return decode_text(path.read_bytes(), media_type)


def safe_file_name(title: str, fallback: str = "fichier") -> str:
    """A name to suggest for saving a course file: letters, digits, spaces, dashes and
    underscores from its title, no dot (so no extension from the platform), short."""
    kept = "".join(c if c.isalnum() or c in " -_" else "_" for c in title)
    name = "_".join(kept.split())[:60].strip("_-")
    return name or fallback


def copy_private(source: Path, target: Path) -> None:
    """Copy whole or not at all, owner read/write only: never executable, whatever
    the target's name or an earlier file there."""
    import shutil
    import tempfile

    create_missing(target.parent)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".companion-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as data:
            shutil.copyfileobj(data, out)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
