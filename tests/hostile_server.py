"""A small hostile platform of the tests' own (stdlib only, loopback, one thread per
connection): each answer is one way a broken or malicious server can try to hang, exhaust
or mislead the client. Every answer is made as it is sent, so the server itself stays
small in memory, and every endless answer has an end (``LIMIT_BYTES``, ``LIMIT_SECONDS``)
so that the old code, which trusts it, fails the test instead of the machine.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

LIMIT_BYTES = 600 * 1024 * 1024  # what an "endless" answer sends at most
LIMIT_SECONDS = 12.0  # how long a slow answer lasts at most
BOMB_BYTES = 1024 * 1024 * 1024  # a gzip bomb's size once inflated (about 1 MB on the wire)

Answer = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HostileServer

    def log_message(self, *_args: Any) -> None:  # quiet tests
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self._answer()

    def _answer(self) -> None:
        self.server.requests.append((self.command, self.path, dict(self.headers)))
        path = urlsplit(self.path).path
        for prefix, answer in self.server.answers.items():
            if path.startswith(prefix):
                # The client hanging up is what a client should do with these answers.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    answer(self)
                return
        self.send_json(404, {"title": "not here"})

    # --- ways to answer -------------------------------------------------------------

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, json.dumps(payload).encode(), headers)

    def send_bytes(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_chunked(self, pieces: Iterator[bytes], headers: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        for piece in pieces:
            if piece:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def wait(self, seconds: float) -> bool:
        """Sleep, unless the server is closing; True when the full time passed."""
        return not self.server.closing.wait(seconds)


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answers: dict[str, Answer] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.closing = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.closing.set()
        self.shutdown()
        self.server_close()

    def count(self, prefix: str) -> int:
        return sum(1 for _method, path, _h in self.requests if path.startswith(prefix))


# --- the hostile answers -------------------------------------------------------------


def endless_chunked(handler: Handler) -> None:
    """A JSON array that never closes, in chunks, for ever (or LIMIT_BYTES)."""
    block = b"0," * 32768

    def pieces() -> Iterator[bytes]:
        yield b"["
        for _ in range(LIMIT_BYTES // len(block)):
            yield block

    handler.send_chunked(pieces())


def huge_length(handler: Handler) -> None:
    """Content-Length 2 GB, then bytes (LIMIT_BYTES of them at most)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(2 * 1024**3))
    handler.end_headers()
    block = b" " * 65536
    for _ in range(LIMIT_BYTES // len(block)):
        handler.wfile.write(block)


def gzip_bomb(handler: Handler) -> None:
    """About 1 MB of gzip that inflates to BOMB_BYTES of spaces, compressed as it is
    sent (never held whole, on either side of this test)."""
    zeros = b" " * (1024 * 1024)

    def pieces() -> Iterator[bytes]:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        for _ in range(BOMB_BYTES // len(zeros)):
            yield packer.compress(zeros)
        yield packer.flush()

    handler.send_chunked(pieces(), {"Content-Encoding": "gzip"})


def one_byte_per_second(handler: Handler) -> None:
    body = json.dumps({"courses": []}).encode() + b" " * 1000
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    started = time.monotonic()
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        if time.monotonic() - started > LIMIT_SECONDS or not handler.wait(1.0):
            return


def late_first_byte(handler: Handler) -> None:
    """Nothing at all for a long time (25 s in the report; LIMIT_SECONDS here)."""
    if handler.wait(LIMIT_SECONDS):
        handler.send_json(200, {"courses": []})


def deep_json(handler: Handler) -> None:
    handler.send_bytes(200, b"[" * 100_000 + b"]" * 100_000)


def busy(retry_after: str) -> Answer:
    def answer(handler: Handler) -> None:
        handler.send_json(
            503, {"title": "busy"}, {"Retry-After": retry_after, "Content-Type": "application/json"}
        )

    return answer


def statements_page(statements: list[dict[str, Any]], more: Callable[[int], str]) -> Answer:
    """GET statements: ``statements`` on every page, and ``more(n)`` as the next link."""

    def answer(handler: Handler) -> None:
        if handler.command == "POST":
            handler.send_json(200, [s["id"] for s in json.loads(handler.body)])
            return
        page = len(handler.server.requests)
        handler.send_json(
            200,
            {"statements": statements, "more": more(page)},
            {"X-Experience-API-Consistent-Through": "2026-01-01T00:00:00.000Z"},
        )

    return answer


def fresh_statements_every_page(make: Callable[[], list[dict[str, Any]]]) -> Answer:
    def answer(handler: Handler) -> None:
        page = len(handler.server.requests)
        handler.send_json(200, {"statements": make(), "more": f"/v1/xapi/statements?p={page}"})

    return answer


def acknowledging(payload: Any, status: int = 200) -> Answer:
    def answer(handler: Handler) -> None:
        if handler.command == "GET":  # the pull after the push: nothing from elsewhere
            handler.send_json(200, {"statements": [], "more": ""})
            return
        if status == 204:
            handler.send_response(204)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_json(status, payload)

    return answer


def refusing_quoting_the_token(handler: Handler) -> None:
    """400, with a detail that quotes the Authorization header it refused."""
    token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
    handler.send_json(400, {"detail": f"statement refused for token {token}"})
