"""Fault injection: a WSGI middleware whose behaviour tests and the CLI switch at run time.

One plan is active at a time. It applies to requests under ``path_prefix`` and, when
``times`` is set, to that many requests only, so a test can say "the next two asset
requests fail with 503".
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_CHUNK = 16 * 1024


@dataclass(frozen=True)
class FaultPlan:
    latency_ms: int = 0  # before the request is handled
    first_byte_delay_ms: int = 0  # after handling, before the first byte is sent
    bandwidth_bps: int = 0  # bytes per second for the body; 0 means no cap
    drop_after_bytes: int | None = None  # close the connection after this many body bytes
    status: int | None = None  # answer with this error status instead (5xx or 429)
    retry_after: int | None = None  # seconds, sent with status
    malformed_json: bool = False  # break JSON bodies
    corrupt: bool = False  # flip one byte in the middle of the body
    path_prefix: str = "/"
    times: int | None = None  # number of matching requests affected; None means all

    def is_active(self) -> bool:
        return self != FaultPlan(path_prefix=self.path_prefix, times=self.times)


_CLI_NAMES = {
    "latency": "latency_ms",
    "first-byte-delay": "first_byte_delay_ms",
    "bandwidth": "bandwidth_bps",
    "drop-after": "drop_after_bytes",
    "status": "status",
    "retry-after": "retry_after",
    "malformed-json": "malformed_json",
    "corrupt": "corrupt",
    "path": "path_prefix",
    "times": "times",
}


def parse_cli(specs: Iterable[str]) -> FaultPlan:
    """Parse ``--fault latency=200 --fault malformed-json`` style options."""
    values: dict[str, Any] = {}
    for spec in specs:
        name, _, raw = spec.partition("=")
        field_name = _CLI_NAMES.get(name.strip())
        if field_name is None:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(_CLI_NAMES)}")
        if field_name in ("malformed_json", "corrupt"):
            values[field_name] = raw.lower() not in ("0", "false", "no")
        elif field_name == "path_prefix":
            values[field_name] = raw
        else:
            values[field_name] = int(raw)
    return FaultPlan(**values)


def plan_from_json(data: dict[str, Any]) -> FaultPlan:
    allowed = {f.name for f in fields(FaultPlan)}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    return FaultPlan(**data)


class Faults:
    """The switch: thread-safe, shared by the middleware and whoever drives the test."""

    def __init__(self) -> None:
        self._plan = FaultPlan()
        self._lock = threading.Lock()
        self.injected = 0  # requests the current plan touched, for tests to assert on

    def set(self, plan: FaultPlan | None = None, **changes: Any) -> None:
        with self._lock:
            self._plan = replace(plan or FaultPlan(), **changes)
            self.injected = 0

    def clear(self) -> None:
        self.set(FaultPlan())

    def current(self) -> FaultPlan:
        with self._lock:
            return self._plan

    def as_dict(self) -> dict[str, Any]:
        return asdict(self.current())

    def take(self, path: str) -> FaultPlan | None:
        """The plan for this request, counting it against ``times``."""
        with self._lock:
            plan = self._plan
            if not plan.is_active() or not path.startswith(plan.path_prefix):
                return None
            if plan.times is not None:
                if plan.times <= 0:
                    return None
                self._plan = replace(plan, times=plan.times - 1)
            self.injected += 1
            return plan


class FaultMiddleware:
    def __init__(self, app: WSGIApp, faults: Faults, exempt_prefix: str = "/_sandbox") -> None:
        self.app = app
        self.faults = faults
        self.exempt_prefix = exempt_prefix

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        plan = None if path.startswith(self.exempt_prefix) else self.faults.take(path)
        if plan is None:
            return self.app(environ, start_response)
        if plan.latency_ms:
            time.sleep(plan.latency_ms / 1000)
        if plan.status:
            return _error_response(environ, start_response, plan)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else None

        body: Iterable[bytes] = self.app(environ, capture)
        headers = captured["headers"]
        if plan.malformed_json and _is_json(headers):
            body = [_break_json(b"".join(body))]
            headers = _with_length(headers, len(body[0]))
        elif plan.corrupt:
            body = [_flip_middle_byte(b"".join(body))]
        start_response(captured["status"], headers)
        return _shaped(body, plan)


def _error_response(
    environ: dict[str, Any], start_response: Callable[..., Any], plan: FaultPlan
) -> list[bytes]:
    status = plan.status or 503
    title = "Too Many Requests" if status == 429 else "Service Unavailable (injected fault)"
    problem = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": "Fault injected by the sandbox.",
        "request_id": environ.get("companion.request_id", ""),
    }
    body = json.dumps(problem).encode()
    headers = [("Content-Type", "application/problem+json"), ("Content-Length", str(len(body)))]
    if plan.retry_after is not None:
        headers.append(("Retry-After", str(plan.retry_after)))
    start_response(f"{status} {title}", headers)
    return [body]


def _is_json(headers: list[tuple[str, str]]) -> bool:
    return any(k.lower() == "content-type" and "json" in v for k, v in headers)


def _break_json(body: bytes) -> bytes:
    # Cut the document in half: a classic truncated answer from a failing proxy.
    return body[: max(1, len(body) // 2)] or b"{"


def _flip_middle_byte(body: bytes) -> bytes:
    if not body:
        return body
    middle = len(body) // 2
    return body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1 :]


def _with_length(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
    return [*kept, ("Content-Length", str(length))]


def _shaped(body: Iterable[bytes], plan: FaultPlan) -> Iterator[bytes]:
    """Delay the first byte, cap the bandwidth and cut the stream as the plan says."""
    sent = 0
    started = time.monotonic()
    first = True
    try:
        for block in body:
            for offset in range(0, len(block), _CHUNK):
                piece = block[offset : offset + _CHUNK]
                if first and plan.first_byte_delay_ms:
                    time.sleep(plan.first_byte_delay_ms / 1000)
                    started = time.monotonic()
                first = False
                if plan.drop_after_bytes is not None and sent + len(piece) >= plan.drop_after_bytes:
                    yield piece[: plan.drop_after_bytes - sent]
                    return  # the server closes the connection short of Content-Length
                if plan.bandwidth_bps:
                    due = started + (sent + len(piece)) / plan.bandwidth_bps
                    time.sleep(max(0.0, due - time.monotonic()))
                sent += len(piece)
                yield piece
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
