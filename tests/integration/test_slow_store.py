"""A learning record store that answers, slowly (issue 24, item 4): before, one slower than
``network.timeout_seconds`` was shown as "Hors ligne", and since it kept the statements it
answered too late, the app resent them for ever. Now: slow is said as slow, a larger batch
gets longer, a batch that timed out goes again in halves, and the store's "already have
them" acknowledges what it kept late. Real HTTP on loopback, a store of the test's own."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from companion.services.progress import ProgressService
from companion.sync.client import HttpClient, NetworkConfig, PlatformSlow
from companion.sync.engine import SyncEngine, Target
from companion.sync.outbox import push
from companion.sync.platform_v1 import PlatformV1
from companion.sync_status import Phase
from tests.integration.test_sync_engine import Recorder
from tests.sync_helpers import HOME, StaticToken, complete_chapters

TIMEOUT = 0.5  # the client's wait for an answer, short so the test is


class SlowStore:
    """Keeps each statement id once as soon as a batch arrives, answers after
    ``delay(batch size)`` seconds: 200 with the new ids, 204 when it had them all."""

    def __init__(self) -> None:
        self.kept: dict[str, dict[str, object]] = {}
        self.batches: list[int] = []
        self.delay = lambda _size: 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.batches.append(len(batch))
                new = [s["id"] for s in batch if s["id"] not in outer.kept]
                outer.kept.update({s["id"]: s for s in batch})
                time.sleep(outer.delay(len(batch)))
                with contextlib.suppress(OSError):  # the client stopped waiting: kept anyway
                    self._answer(new)

            def _answer(self, new: list[str]) -> None:
                if not new:
                    self.send_response(204)
                    self.end_headers()
                    return
                body = json.dumps(new).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def store() -> Iterator[SlowStore]:
    lrs = SlowStore()
    yield lrs
    lrs.close()


@pytest.fixture
def progress(tmp_path) -> Iterator[ProgressService]:
    service = ProgressService(tmp_path)
    yield service
    service.close()


def api(store: SlowStore) -> PlatformV1:
    config = NetworkConfig(base_url=store.url, retries=0, timeout_seconds=TIMEOUT)
    return PlatformV1(HttpClient(config), StaticToken("t")).with_lrs(store.url)


def test_a_slow_store_is_said_as_slow_never_offline(store, progress):
    store.delay = lambda _size: 10 * TIMEOUT  # longer than any wait
    recorder = Recorder()
    engine = SyncEngine(progress, lambda: Target(api(store), "u-1001", HOME), recorder)
    complete_chapters(progress, 1)
    try:
        engine.start()
        status = recorder.wait_for(lambda s: s.phase not in (Phase.IDLE, Phase.SYNCING))
    finally:
        engine.stop(flush_seconds=0)
    assert status.phase is Phase.FAILING  # "Hors ligne" before
    assert status.message == "The platform is taking too long to answer."
    assert status.pending == 1


def test_a_large_batch_gets_longer(store, progress):
    store.delay = lambda size: size * 0.012  # 100 statements: 1.2 s, over twice the wait
    complete_chapters(progress, 100)
    report = push(progress, api(store), "u-1001", HOME, batch=100)
    assert report.sent == 100 and progress.pending_count() == 0
    assert store.batches == [100]  # in one go: its wait was stretched, to 3 × 0.5 s


def test_what_a_store_kept_while_answering_late_is_acknowledged(store, progress):
    answers = iter([4 * TIMEOUT])  # the first answer comes too late; the next ones at once
    store.delay = lambda _size: next(answers, 0.0)
    complete_chapters(progress, 10)
    report = push(progress, api(store), "u-1001", HOME, batch=10)
    assert report.sent == 10 and progress.pending_count() == 0
    assert store.batches == [10, 5, 5]  # then in halves, answered "already have them"
    assert len(store.kept) == 10


def test_a_store_that_never_answers_costs_three_waits(store, progress):
    store.delay = lambda _size: 30 * TIMEOUT
    complete_chapters(progress, 8)
    started = time.monotonic()
    with pytest.raises(PlatformSlow):
        push(progress, api(store), "u-1001", HOME, batch=8)
    assert store.batches == [8, 4, 2]
    assert progress.pending_count() == 8  # nothing acknowledged, nothing lost
    assert time.monotonic() - started < 3 * 3 * 3 * TIMEOUT
