"""Support references are the client's own request ids, even behind a shared cache.

A caching proxy replays the answer it stored, headers included: every learner served from
the cache would get the ``X-Request-Id`` of the learner whose request filled it. The server
below plays that cache: it always answers with the same id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from companion.sync.client import (
    HttpClient,
    MalformedResponse,
    NetworkConfig,
    PlatformError,
    decode_json,
)

REPLAYED_ID = "id-of-the-first-learners-request"


class _ReplayingCache(BaseHTTPRequestHandler):
    server: _RecordingServer

    def do_GET(self) -> None:
        self.server.received.append(self.headers.get("X-Request-Id", ""))
        status, body = {
            "/v1/courses/gone/manifest": (404, b'{"title": "Not Found", "status": 404}'),
            "/v1/catalog": (200, b'{"courses": ['),  # cut short
        }.get(self.path, (200, b"{}"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-Id", REPLAYED_ID)
        self.send_header("Age", "42")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _RecordingServer(ThreadingHTTPServer):
    received: list[str]


@pytest.fixture
def replaying_cache() -> Iterator[tuple[HttpClient, list[str]]]:
    server = _RecordingServer(("127.0.0.1", 0), _ReplayingCache)
    received: list[str] = []
    server.received = received
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = HttpClient(NetworkConfig(base_url=f"http://127.0.0.1:{server.server_port}", retries=0))
    yield client, received
    client.close()
    server.shutdown()
    server.server_close()


def test_two_errors_served_with_the_same_id_get_different_references(replaying_cache):
    client, received = replaying_cache
    references = []
    for _ in range(2):
        with pytest.raises(PlatformError) as caught:
            client.request("GET", "/v1/courses/gone/manifest")
        references.append(caught.value.reference)
        assert caught.value.served_request_id == REPLAYED_ID
    assert references[0] != references[1]
    assert REPLAYED_ID not in references
    assert references == received  # the ids the client sent, which the platform logs


def test_an_unreadable_answer_quotes_the_clients_id(replaying_cache):
    client, received = replaying_cache
    with pytest.raises(MalformedResponse) as caught:
        decode_json(client.request("GET", "/v1/catalog"))
    assert caught.value.reference == received[-1] != REPLAYED_ID
    assert received[-1] in caught.value.hint


def test_log_lines_name_the_clients_id_and_the_replayed_one(replaying_cache, caplog):
    client, received = replaying_cache
    with caplog.at_level(logging.DEBUG, logger="companion.sync"):
        client.request("GET", "/v1/me/anything")
        with pytest.raises(PlatformError):
            client.request("GET", "/v1/courses/gone/manifest")
    lines = [r.getMessage() for r in caplog.records if r.name == "companion.sync"]
    assert len(lines) == 3  # two answers, one error
    first, second = received
    assert f"[{first}, served as {REPLAYED_ID}]" in lines[0]
    assert all(f"[{second}, served as {REPLAYED_ID}]" in line for line in lines[1:])
