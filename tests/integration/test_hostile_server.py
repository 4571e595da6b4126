"""Issue 12: a hostile or broken platform cannot hang, exhaust or harm the learner's
computer. Each case is an answer of a small server of these tests' own
(tests/hostile_server.py); each must end, fast, in a clear user-facing error (or a sync
that goes on), with the process's memory far under 300 MB more than before.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from companion import xapi
from companion.errors import UserFacingError
from companion.files import read_json, write_json_atomic
from companion.logs import REDACTOR
from companion.services.progress import ProgressService
from companion.sync import pull as pull_module
from companion.sync.client import (
    HttpClient,
    MalformedResponse,
    NetworkConfig,
    PlatformError,
    PlatformUnreachable,
)
from companion.sync.engine import SyncEngine, Target
from companion.sync.outbox import push
from companion.sync.platform_v1 import PlatformV1
from companion.sync_status import Phase
from tests import hostile_server as hostile
from tests.sync_helpers import HOME, StaticToken, complete_chapters

MEMORY_LIMIT = 300 * 1024 * 1024
DEADLINE = 2.0  # seconds: short, so the tests are fast; the mechanism is what counts


@pytest.fixture
def server() -> Iterator[hostile.HostileServer]:
    made = hostile.HostileServer().start()
    yield made
    made.stop()


def config(url: str, **overrides: Any) -> NetworkConfig:
    """Short timeouts and deadline (given only to a client that knows them)."""
    wanted = {
        "base_url": url,
        "retries": 3,
        "backoff_factor": 0.05,
        "timeout_seconds": 1.0,
        "connect_timeout_seconds": 1.0,
        "deadline_seconds": DEADLINE,
        **overrides,
    }
    known = {field.name for field in dataclasses.fields(NetworkConfig)}
    return NetworkConfig(**{k: v for k, v in wanted.items() if k in known})


def api(url: str, token: str = "t0k3n-" + "x" * 20, **overrides: Any) -> PlatformV1:
    return PlatformV1(HttpClient(config(url, **overrides)), StaticToken(token))


def rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class PeakMemory:
    """The highest RSS growth while the block runs, sampled every few milliseconds."""

    def __enter__(self) -> PeakMemory:
        self.before = rss()
        self.peak = 0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, rss() - self.before)

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._sampler.join()
        self.peak = max(self.peak, rss() - self.before)


def fails_clearly(call: Callable[[], Any], kind: type[UserFacingError]) -> tuple[Any, float, int]:
    """Run ``call``; it must raise ``kind`` (a user-facing error, with a reference) in
    bounded time and memory. Returns (error, seconds, peak RSS growth)."""
    started = time.monotonic()
    with PeakMemory() as memory:
        try:
            call()
        except BaseException as error:
            raised: BaseException = error
        else:
            raise AssertionError("the hostile answer was accepted")
    seconds = time.monotonic() - started
    print(f"{type(raised).__name__} after {seconds:.2f} s, RSS +{memory.peak / 1e6:.1f} MB")
    assert isinstance(raised, kind), repr(raised)
    assert raised.message and raised.reference
    assert memory.peak < MEMORY_LIMIT
    return raised, seconds, memory.peak


# --- answers too big ------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", [hostile.endless_chunked, hostile.huge_length, hostile.gzip_bomb], ids=str
)
def test_an_answer_too_big_is_refused_without_growing_memory(server, answer):
    server.answers["/v1/catalog"] = answer
    error, seconds, growth = fails_clearly(lambda: api(server.url).catalog(), MalformedResponse)
    # The reference is the request's own id, which the server saw: support can find it.
    sent = server.requests[-1][2]["X-Request-Id"]
    assert error.reference == sent
    assert growth < 64 * 1024 * 1024  # the cap (8 MiB) and some room, never the answer
    assert seconds < DEADLINE + 1


# --- answers too slow ----------------------------------------------------------------


def test_a_trickle_of_one_byte_a_second_ends_at_the_deadline(server):
    server.answers["/v1/catalog"] = hostile.one_byte_per_second
    slow = api(server.url, timeout_seconds=1.5)  # each byte comes well within it
    _error, seconds, _growth = fails_clearly(slow.catalog, PlatformUnreachable)
    assert seconds > DEADLINE - 0.1  # the deadline ended it, not a read timeout
    assert seconds < DEADLINE + 0.5  # not read timeout after read timeout


def test_an_answer_that_never_starts_ends_at_the_deadline_retries_included(server):
    server.answers["/v1/catalog"] = hostile.late_first_byte
    error, seconds, _growth = fails_clearly(lambda: api(server.url).catalog(), PlatformUnreachable)
    assert seconds < DEADLINE + 0.5  # four tries of a 1 s read timeout took over 4 s
    assert error.reference == server.requests[0][2]["X-Request-Id"]


# --- deep JSON --------------------------------------------------------------------------


def test_deep_json_is_a_clear_error_and_the_saved_catalogue_is_shown(server, tmp_path):
    from companion.services.catalog import CatalogService

    server.answers["/v1/catalog"] = hostile.deep_json
    fails_clearly(lambda: api(server.url).catalog(), MalformedResponse)

    live = api(server.url)

    class Connection:
        def api(self) -> PlatformV1:
            return live

    saved = tmp_path / "catalog.json"
    entry = {
        "id": "c",
        "title": "C",
        "summary": "",
        "category": "",
        "level": "",
        "language": "fr",
        "duration_minutes": 1,
        "version": "1",
        "size_bytes": 1,
        "premium": False,
    }
    write_json_atomic(saved, {"fetched_at": "2026-01-01T00:00:00+00:00", "courses": [entry]})
    catalog = CatalogService(Connection(), saved)  # type: ignore[arg-type]
    shown = catalog.refresh()
    assert not shown.online and shown.courses and isinstance(shown.problem, MalformedResponse)


def test_a_deep_saved_json_file_reads_as_damaged(tmp_path):
    saved = tmp_path / "catalog.json"
    saved.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert read_json(saved) is None


# --- Retry-After -------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.changed = threading.Condition()

    def __call__(self, status: Any) -> None:
        with self.changed:
            self.seen.append(status)
            self.changed.notify_all()

    def wait_for(self, check: Callable[[Any], bool], timeout: float = 10) -> Any:
        with self.changed:
            assert self.changed.wait_for(lambda: any(check(s) for s in self.seen), timeout)
            return next(s for s in self.seen if check(s))


@pytest.mark.parametrize("retry_after", ["999999", "99999999999"])
def test_a_huge_retry_after_on_a_post_is_a_capped_wait_and_the_engine_lives(
    server, tmp_path, retry_after
):
    server.answers["/v1/xapi/statements"] = hostile.busy(retry_after)
    progress = complete_chapters(ProgressService(tmp_path), 3)
    recorder = Recorder()
    target = Target(api(server.url), "u-1001", HOME)
    engine = SyncEngine(progress, lambda: target, recorder)
    engine.start()
    try:
        failing = recorder.wait_for(lambda s: s.phase is Phase.FAILING)
        assert failing.retry_in is not None and failing.retry_in <= 3600  # not 11.6 days
        assert "min" in failing.hint and failing.pending == 3
        # The worker is alive: asked again, it tries again at once.
        server.answers["/v1/xapi/statements"] = hostile.acknowledging(None, 204)
        engine.sync_now()
        done = recorder.wait_for(lambda s: s.phase is Phase.IDLE and s.pending == 0)
        assert done.pending == 0
    finally:
        engine.stop(flush_seconds=0)
        progress.close()


def test_a_huge_retry_after_on_a_get_is_reported_not_slept(server):
    server.answers["/v1/catalog"] = hostile.busy("99999999999")
    error, seconds, _ = fails_clearly(lambda: api(server.url).catalog(), PlatformError)
    assert seconds < 2 and "min" in error.hint and "1666" not in error.hint


# --- pull ----------------------------------------------------------------------------------


def made(verb: str = "completed") -> dict[str, Any]:
    activity = f"{HOME}/xapi/activities/courses/c/chapters/{uuid.uuid4().hex[:6]}"
    statement = xapi.statement(verb, activity, "chapter", "Chapitre", result={"completion": True})
    return xapi.with_actor(statement, "u-1001", HOME)


def test_more_for_ever_with_nothing_new_stops_at_once(server, tmp_path):
    same = [made(), made()]
    server.answers["/v1/xapi/statements"] = hostile.statements_page(
        same, lambda page: f"/v1/xapi/statements?page={page}"
    )
    progress = ProgressService(tmp_path)
    started = time.monotonic()
    added = pull_module.pull(progress, api(server.url), "u-1001", HOME)
    assert added == 2
    assert server.count("/v1/xapi/statements") <= 3  # was 1,014 requests in 45 s
    assert time.monotonic() - started < 5
    assert progress.pull_cursor() in ("0", "")  # not complete: next time from the start
    progress.close()


def test_more_for_ever_with_new_statements_is_bounded_per_sync(server, tmp_path):
    server.answers["/v1/xapi/statements"] = hostile.fresh_statements_every_page(
        lambda: [made() for _ in range(500)]
    )
    progress = ProgressService(tmp_path)
    pull_module.pull(progress, api(server.url), "u-1001", HOME)
    assert server.count("/v1/xapi/statements") <= 41  # 20,000 statements, 500 a page
    progress.close()


def test_a_malformed_pulled_statement_is_left_out_and_the_rest_merged(server, tmp_path):
    good = [made(), made()]
    bad = {**made(), "verb": "completed"}  # a string where an object belongs
    server.answers["/v1/xapi/statements"] = hostile.statements_page(
        [good[0], bad, good[1]], lambda _page: ""
    )
    progress = ProgressService(tmp_path)
    for _ in range(2):  # and the next sync too
        pull_module.pull(progress, api(server.url), "u-1001", HOME)
    assert progress.completed_activities() == {s["object"]["id"] for s in good}
    progress.close()


# --- acknowledgements --------------------------------------------------------------------


class Outbox:
    def __init__(self, n: int) -> None:
        self.queued = [(s["id"], s) for s in (made() for _ in range(n))]
        self.acknowledged: list[str] = []

    def take(self, limit: int, learner: str) -> list[tuple[str, dict[str, Any]]]:
        return [q for q in self.queued if q[0] not in self.acknowledged][:limit]

    def acknowledge(self, ids: list[str]) -> None:
        self.acknowledged += ids

    def set_aside(self, statement_id: str, reason: str) -> None:
        raise AssertionError("nothing is invalid here")

    def note_failure(self, ids: list[str], reason: str) -> None:
        pass


@pytest.mark.parametrize("payload", [[], ["not-sent"], {"ids": []}], ids=str)
def test_an_empty_or_foreign_acknowledgement_keeps_every_statement(server, payload):
    server.answers["/v1/xapi/statements"] = hostile.acknowledging(payload)
    outbox = Outbox(5)
    with pytest.raises(MalformedResponse):
        push(outbox, api(server.url), "u-1001", HOME)
    assert outbox.acknowledged == []  # all five still queued, and not "synced"


def test_ralph_acknowledgements_still_count(server):
    """Ralph answers 204 when it had every statement, and 200 with only the new ids."""
    outbox = Outbox(5)
    server.answers["/v1/xapi/statements"] = hostile.acknowledging([outbox.queued[0][0]])
    assert push(outbox, api(server.url), "u-1001", HOME).sent == 5
    outbox = Outbox(5)
    server.answers["/v1/xapi/statements"] = hostile.acknowledging(None, 204)
    assert push(outbox, api(server.url), "u-1001", HOME).sent == 5


# --- secrets --------------------------------------------------------------------------------


def test_a_refusal_quoting_the_token_never_stores_it(server, tmp_path):
    token = "opaque-" + uuid.uuid4().hex  # not shaped like a JWT: only the session knows it
    REDACTOR.remember(token)  # as AuthSession does for every token it is given
    server.answers["/v1/xapi/statements"] = hostile.refusing_quoting_the_token
    progress = complete_chapters(ProgressService(tmp_path), 1)
    push(progress, api(server.url, token=token), "u-1001", HOME)
    [(_id, reason)] = progress.set_aside_statements()
    assert "refused for token" in reason and token not in reason
    progress.close()
    with sqlite3.connect(tmp_path / "progress.db") as db:
        stored = "\n".join(str(row) for row in db.execute("SELECT * FROM outbox"))
    assert token not in stored
