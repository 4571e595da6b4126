"""Loggers by subsystem, a rotating file, an in-memory ring buffer, and redaction.

Subsystem loggers are children of ``companion``: ``companion.sync``, ``companion.store``,
``companion.auth``, ``companion.ui``, ``companion.sandbox``. Every handler carries the
redaction filter, so no token, password or authorisation code reaches a file, the
diagnostics view or a support bundle, whatever a log call passes in.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
import threading
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging.handlers

ROOT = "companion"
SUBSYSTEMS = ("sync", "store", "auth", "ui", "sandbox", "services")
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
REDACTED = "[redacted]"


@functools.cache
def _secret_patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on first use rather than at import, where start-up time counts."""
    return (
        # Authorization: Bearer <token>, Basic <credentials>
        re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),
        # JWTs (ID tokens, signed credentials): header.payload.signature
        re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
        # key=value or "key": "value" for secret-bearing names
        re.compile(
            r"(?i)(\"?\b(?:access_token|refresh_token|id_token|token|password|passwd|secret|"
            r"client_secret|code_verifier|device_code|user_code|job_seeker_id|api_key|apikey|"
            r"authorization)\b\"?"
            r"\s*[:=]\s*\"?)([^\"&\s,;}]+)"
        ),
        # an authorisation code in a redirect URL
        re.compile(r"(?i)([?&]code=)([^&\s]+)"),
        # the password in an address (a proxy's: http://user:password@proxy:3128)
        re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@\"]*:)([^@\s/\"]+)(?=@)"),
    )


class Redactor:
    """Removes secret-looking text, and exact secrets registered at run time."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def remember(self, secret: str) -> None:
        if len(secret) >= 6:  # shorter values would redact ordinary words
            with self._lock:
                self._known.add(secret)

    def forget(self, secret: str) -> None:
        with self._lock:
            self._known.discard(secret)

    def redact(self, text: str) -> str:
        with self._lock:
            known = sorted(self._known, key=len, reverse=True)
        for secret in known:
            text = text.replace(secret, REDACTED)
        for pattern in _secret_patterns():
            if pattern.groups >= 2:
                text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
            else:
                text = pattern.sub(REDACTED, text)
        return text


REDACTOR = Redactor()


class RedactionFilter(logging.Filter):
    """Renders the message and traceback once, redacted, so handlers never see secrets."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redactor.redact(
                logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        return True


class RingBufferHandler(logging.Handler):
    """The last records, formatted, for the diagnostics view and the support bundle."""

    def __init__(self, capacity: int = 2000) -> None:
        super().__init__()
        self._lines: deque[str] = deque(maxlen=capacity)
        self.setFormatter(logging.Formatter(FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(self.format(record))
        except Exception:  # a log call must never break the caller
            self.handleError(record)

    def lines(self) -> list[str]:
        return list(self._lines)


HELD_RECORDS = 500  # kept in memory at most before the file is opened anyway


class DeferredRotatingFileHandler(logging.Handler):
    """A rotating log file opened at the first record, not at start-up.

    ``logging.handlers`` pulls in sockets, pickle and queues: a cost the window should not
    pay before it paints, when nothing has been logged yet.
    """

    def __init__(self, path: Path, max_bytes: int = 1_000_000, backups: int = 3) -> None:
        super().__init__()
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        self._file: logging.Handler | None = None
        self._failed = False

    def _target(self) -> logging.Handler | None:
        if self._file is None and not self._failed:
            try:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                _create_private(self.path)
                self._file = _private_rotating_handler()(
                    self.path, maxBytes=self.max_bytes, backupCount=self.backups, encoding="utf-8"
                )
            except OSError as error:
                # A log that cannot be written (read-only or full disk) must never stop
                # the app from telling the learner so: say it once and go on without it.
                self._failed = True
                sys.stderr.write(f"companion: no log file ({self.path}: {error.strerror})\n")
                return None
            self._file.setFormatter(self.formatter)
        return self._file

    def emit(self, record: logging.LogRecord) -> None:
        target = self._target()  # Handler.handle holds our lock: one opener only
        if target is not None:
            target.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


class _Held(logging.Handler):
    """Takes the place of the ``companion`` logger's handlers while records are held (see
    ``hold``), and keeps the records as they come, not yet redacted nor formatted."""

    def __init__(self, handlers: list[logging.Handler]) -> None:
        super().__init__()
        self.handlers = handlers  # where the records go once released
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if record.levelno >= logging.ERROR or len(self.records) >= HELD_RECORDS:
            release()  # an error is written at once, after everything before it

    def close(self) -> None:
        release()  # logging.shutdown at exit: nothing held is lost
        super().close()


def hold() -> None:
    """Keep the ``companion`` logger's records in memory until ``release``: the window's
    first paint does not wait for the log file to open (``logging.handlers`` and its
    sockets), for the redaction patterns to compile nor for formatting (issue 14). The
    records are redacted and written, in order, when released; an error at once."""
    root = logging.getLogger(ROOT)
    with _hold_lock:
        if not any(isinstance(handler, _Held) for handler in root.handlers):
            root.handlers = [_Held(list(root.handlers))]


def release() -> None:
    """Give the logger its handlers back and pass them what was held, in order."""
    root = logging.getLogger(ROOT)
    with _hold_lock:
        held = next((h for h in root.handlers if isinstance(h, _Held)), None)
        if held is None:
            return
        root.handlers = held.handlers
        records, held.records = held.records, []
    for record in records:
        for handler in root.handlers:
            if record.levelno >= handler.level:
                handler.handle(record)


_hold_lock = threading.RLock()


def _create_private(path: Path) -> None:
    """Logs name courses, errors and account ids: readable by their owner only."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # a log from an earlier release was world-readable


def _private_rotating_handler() -> type[logging.handlers.RotatingFileHandler]:
    import logging.handlers

    class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
        """Each new file after a rotation is private too."""

        def _open(self):  # type: ignore[no-untyped-def]
            _create_private(Path(self.baseFilename))
            return super()._open()

    return PrivateRotatingFileHandler


_ring: RingBufferHandler | None = None


def ring_buffer() -> RingBufferHandler:
    global _ring
    if _ring is None:
        _ring = RingBufferHandler()
        _ring.addFilter(RedactionFilter())
    return _ring


def setup(log_dir: Path | None, level: str = "INFO", *, console: bool = False) -> None:
    """Configure the ``companion`` logger tree once per process."""
    release()  # what was held goes to the handlers it was meant for, before they close
    root = logging.getLogger(ROOT)
    root.setLevel(level)
    root.propagate = False
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [ring_buffer()]
    if log_dir is not None:
        handlers.append(DeferredRotatingFileHandler(log_dir / "companion.log"))
    if console:
        handlers.append(logging.StreamHandler())
    _attach(root, handlers)


def _attach(logger: logging.Logger, handlers: Iterable[logging.Handler]) -> None:
    for handler in handlers:
        if not any(isinstance(f, RedactionFilter) for f in handler.filters):
            handler.addFilter(RedactionFilter())
        if handler.formatter is None:
            handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)


def get(subsystem: str) -> logging.Logger:
    if subsystem not in SUBSYSTEMS:
        raise ValueError(f"unknown subsystem {subsystem!r}")
    return logging.getLogger(f"{ROOT}.{subsystem}")
