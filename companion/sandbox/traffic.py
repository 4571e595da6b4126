"""What the sandbox served: requests and body bytes per path prefix.

Benchmarks read it to see what reached the platform, for example how many times a caching
proxy in front of it fetched a course's files (``GET /_sandbox/traffic`` when the sandbox
runs in another process; ``DELETE`` resets it). Bytes are counted as the server hands them
to the socket, after fault injection (a cut connection counts only what was sent).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from companion.sandbox.faults import WSGIApp


def prefix_of(path: str) -> str:
    """The first two path segments: ``/v1/assets/<sha>`` -> ``/v1/assets``."""
    return "/".join(path.split("/")[:3]) or "/"


class Traffic:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[str, int] = {}
        self.body_bytes: dict[str, int] = {}

    def count_request(self, prefix: str) -> None:
        with self._lock:
            self.requests[prefix] = self.requests.get(prefix, 0) + 1

    def count_bytes(self, prefix: str, amount: int) -> None:
        with self._lock:
            self.body_bytes[prefix] = self.body_bytes.get(prefix, 0) + amount

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.body_bytes.clear()

    def as_dict(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {"requests": dict(self.requests), "body_bytes": dict(self.body_bytes)}


class TrafficMiddleware:
    def __init__(self, app: WSGIApp, traffic: Traffic, exempt_prefix: str = "/_sandbox") -> None:
        self.app = app
        self.traffic = traffic
        self.exempt_prefix = exempt_prefix

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.exempt_prefix):
            return self.app(environ, start_response)
        prefix = prefix_of(path)
        self.traffic.count_request(prefix)
        return self._counted(self.app(environ, start_response), prefix)

    def _counted(self, body: Iterable[bytes], prefix: str) -> Iterator[bytes]:
        try:
            for block in body:
                self.traffic.count_bytes(prefix, len(block))
                yield block
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
