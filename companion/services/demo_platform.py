"""The built-in demo platform, run in a process of its own (sandbox/controlled.py).

Started as soon as the app knows it is in demo mode, it builds (or loads) its courses and
starts listening on loopback while the window is being made: the two work on the two cores
instead of one thread of the window's process importing Flask under the window's nose
(issue 14). The child leaves when the app does, even when the app is killed: it stops when
its standard input closes, and the kernel closes that for a dead parent.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from companion.errors import UserFacingError
from companion.i18n import _

log = logging.getLogger("companion.services")

START_SECONDS = 60.0  # a first start builds the sample courses; a slow disk takes a while
SWITCH_SECONDS = 10.0
STOP_SECONDS = 5.0


class DemoPlatformFailed(UserFacingError):
    pass


def own_command() -> list[str]:
    """How to run Companion again: the bundle's executable, or this Python on the package."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "companion"]


class DemoPlatform:
    def __init__(
        self, state_dir: Path, log_file: Path, environment: dict[str, str] | None = None
    ) -> None:
        self.state_dir = state_dir
        self.log_file = log_file
        self.environment = environment  # None: this process's own
        self.offline = False
        self._process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._url: str | None = None
        self._lock = threading.Lock()

    def spawn(self) -> None:
        """Start the process without waiting for it (``url`` waits)."""
        with self._lock:
            if self._process is not None:
                return
            command = [
                *own_command(),
                "sandbox",
                "--port",
                "0",
                "--controlled",
                "--state-dir",
                str(self.state_dir),
            ]
            with _private_log(self.log_file) as errors:
                self._process = subprocess.Popen(  # noqa: S603 - our own program, fixed arguments
                    command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    text=True,
                    encoding="utf-8",
                    env=self.environment,
                    # Ctrl+C in a terminal is for the app; the child leaves when the app does.
                    start_new_session=os.name == "posix",
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            assert self._process.stdout is not None
            threading.Thread(
                target=_read_lines,
                args=(self._process.stdout, self._lines),
                name="demo-platform-output",
                daemon=True,
            ).start()
            log.info("demo mode: demo platform starting (pid %d)", self._process.pid)

    def url(self) -> str:
        """The platform's address, once it listens (blocks: call it from a worker)."""
        self.spawn()
        with self._lock:
            if self._url is None:
                words = self._expect("ready", START_SECONDS).split()
                self._url = words[1] if len(words) == 2 else ""
                if not self._url.startswith("http://127.0.0.1:"):
                    raise self._failed()
                log.info("demo mode: demo platform at %s", self._url)
            return self._url

    def set_offline(self, offline: bool) -> None:
        """Make the demo platform stop answering (or answer again), as a lost connection
        would; blocks until it is done."""
        self.url()
        with self._lock:
            command = "offline" if offline else "online"
            process = self._process
            assert process is not None and process.stdin is not None
            try:
                process.stdin.write(command + "\n")
                process.stdin.flush()
            except OSError as error:
                raise self._failed() from error
            self._expect(command, SWITCH_SECONDS)
            self.offline = offline

    def stop(self) -> None:
        with self._lock:
            process, self._process = self._process, None
            self._url = None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()  # the child saves and leaves
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_SECONDS)

    def _expect(self, word: str, seconds: float) -> str:
        try:
            line = self._lines.get(timeout=seconds)
        except queue.Empty:
            line = None
        if line is None or not line.startswith(word):
            raise self._failed()
        return line

    def _failed(self) -> DemoPlatformFailed:
        log.error("demo mode: the demo platform did not start or answer; see %s", self.log_file)
        return DemoPlatformFailed(
            _("The demo platform did not start."),
            _("Close Companion and open it again; if it keeps happening, tell support staff."),
        )


def _read_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.strip())
    lines.put(None)  # the child ended


class _private_log:  # noqa: N801 - used as a context manager, like open()
    """The child's messages, in a file of their own beside the app's log (owner-only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes] | int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            self.handle = os.fdopen(fd, "wb")
            return self.handle
        except OSError:
            return subprocess.DEVNULL  # no log is no reason not to run the demo

    def __exit__(self, *_exc: object) -> None:
        if self.handle is not None:
            self.handle.close()
