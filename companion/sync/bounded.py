"""Reading an answer without trusting it (STYLE 14): a size cap counted after
decompression, and an overall deadline that a trickle of bytes cannot push back.

A read timeout alone restarts at every byte, so an answer sent one byte per second never
times out; here a watchdog cuts the connection when the deadline passes, whatever the
socket is doing. urllib3's ``read1`` decompresses at most the size asked for, so a gzip
bomb is refused after ``max_bytes`` of output, never inflated in memory.

The errors here are internal; ``client`` turns them into user-facing ones with the
request's id.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

import requests

BLOCK = 64 * 1024


class Deadline:
    """When a request, retries and body included, must be over."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        return self._end - time.monotonic()


class AnswerTooBig(Exception):
    """More bytes than the cap (declared, or counted after decompression)."""


class AnswerTooSlow(Exception):
    """The deadline passed before the answer was complete."""


class AnswerCut(Exception):
    """The connection broke, or the body could not be decoded."""


class Watchdog:
    """Shuts the response's socket down at the deadline: a blocked read then returns."""

    def __init__(self, response: requests.Response, deadline: Deadline) -> None:
        self.fired = False
        self._response = response
        self._timer = threading.Timer(max(0.0, deadline.left()), self._cut)
        self._timer.daemon = True
        self._timer.name = "companion-deadline"
        self._timer.start()

    def _cut(self) -> None:
        self.fired = True
        sock = socket_of(self._response)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.cancel()


def socket_of(response: requests.Response) -> socket.socket | None:
    raw = response.raw
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    if sock is None:  # the connection was already handed back: go through the file
        fp = getattr(getattr(raw, "_fp", None), "fp", None)
        sock = getattr(getattr(fp, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def declared_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length", "").strip()
    return int(value) if value.isdigit() else None


def read_body(response: requests.Response, max_bytes: int, deadline: Deadline) -> bytes:
    """The whole body, decompressed; raises AnswerTooBig, AnswerTooSlow or AnswerCut.
    The response is closed either way."""
    try:
        declared = declared_length(response)
        if declared is not None and declared > max_bytes:
            raise AnswerTooBig(f"Content-Length {declared} > {max_bytes}")
        if deadline.left() <= 0:
            raise AnswerTooSlow("deadline passed before the body")
        body = bytearray()
        with Watchdog(response, deadline) as watchdog:
            try:
                for block in blocks(response):
                    body += block
                    if len(body) > max_bytes:
                        raise AnswerTooBig(f"more than {max_bytes} bytes after decoding")
                    if deadline.left() <= 0:
                        raise AnswerTooSlow("deadline passed during the body")
            except (AnswerTooBig, AnswerTooSlow):
                raise
            except Exception as error:  # urllib3's and http.client's many ways to fail
                if watchdog.fired or deadline.left() <= 0:
                    raise AnswerTooSlow("cut at the deadline") from error
                raise AnswerCut(f"{type(error).__name__}: {error}") from error
            if watchdog.fired:  # the cut looked like the end of the body
                raise AnswerTooSlow("cut at the deadline")
        return bytes(body)
    finally:
        response.close()


def blocks(response: requests.Response, size: int = BLOCK) -> Any:
    """The body as it arrives, decompressed, each block at most ``size`` bytes: whatever
    the socket has is handed over at once, so a cut loses nothing received before it."""
    raw = response.raw
    while True:
        block = raw.read1(size, decode_content=True)
        if not block:
            return
        yield block
