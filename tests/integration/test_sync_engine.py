"""The sync scheduler over real HTTP: when it syncs, how it waits, what it reports."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from companion.auth.errors import SignInRequired
from companion.services.progress import ProgressService
from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.engine import Backoff, SyncEngine, Target
from companion.sync.platform_v1 import PlatformV1
from companion.sync_status import Phase, SyncStatus
from tests.integration.test_push import api_for
from tests.sync_helpers import HOME, complete_chapters


class Recorder:
    """Keeps every status the engine reports, and how often it tried to sync."""

    def __init__(self) -> None:
        self.statuses: list[SyncStatus] = []
        self.attempts = 0
        self.lock = threading.Lock()

    def __call__(self, status: SyncStatus) -> None:
        with self.lock:
            self.statuses.append(status)

    @property
    def last(self) -> SyncStatus:
        with self.lock:
            return self.statuses[-1]

    def wait_for(self, check, timeout: float = 10.0) -> SyncStatus:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.statuses and check(self.statuses[-1]):
                    return self.statuses[-1]
            time.sleep(0.02)
        raise AssertionError(f"not reached in {timeout} s; last: {self.statuses[-1:]}")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def progress(tmp_path):
    service = ProgressService(tmp_path)
    yield service
    service.close()


@pytest.fixture
def engines():
    made: list[SyncEngine] = []
    yield made
    for engine in made:
        engine.stop(flush_seconds=0)


def make_engine(engines, progress, target, recorder, **options) -> SyncEngine:
    def counted():
        recorder.attempts += 1
        return target()

    engine = SyncEngine(progress, counted, recorder, **options)
    engines.append(engine)
    return engine


def to(api: PlatformV1) -> Target:
    return Target(api, "u-1001", HOME)


def test_a_burst_of_changes_becomes_one_sync(sandbox, progress, engines):
    recorder, api = Recorder(), api_for(sandbox)
    engine = make_engine(engines, progress, lambda: to(api), recorder, debounce=0.3)
    engine.start(first_sync_in=3600)
    for i in range(5):
        complete_chapters(progress, 1) if i == 0 else progress.record_study("c", _ch(i), 30)
        engine.changed()
    assert recorder.wait_for(lambda s: s.pending == 5).phase is Phase.IDLE  # counted at once
    done = recorder.wait_for(lambda s: s.phase is Phase.IDLE and s.last_success is not None)
    assert done.pending == 0 and recorder.attempts == 1
    assert sandbox.statements.count() == 5
    assert progress.last_sync() == done.last_success  # kept for the next start


def test_offline_it_backs_off_and_comes_back_with_the_network(sandbox, progress, engines):
    recorder = Recorder()
    nowhere = PlatformV1(
        HttpClient(NetworkConfig(base_url=f"http://127.0.0.1:{closed_port()}", retries=0)),
        api_for(sandbox).auth,
    )
    current = {"api": nowhere}
    engine = make_engine(
        engines, progress, lambda: to(current["api"]), recorder, backoff=Backoff(base=0.1, cap=0.4)
    )
    complete_chapters(progress, 3)
    engine.start()
    offline = recorder.wait_for(lambda s: s.phase is Phase.OFFLINE)
    assert offline.pending == 3 and offline.retry_in and offline.message
    assert offline.reference  # support staff can find the failure in the log
    time.sleep(1.0)
    assert 2 <= recorder.attempts <= 8  # probes, ever rarer (cap 0.4 s): never a busy loop
    current["api"] = api_for(sandbox)
    engine.network_changed(True)
    recorder.wait_for(lambda s: s.phase is Phase.IDLE and s.pending == 0)
    assert sandbox.statements.count() == 3


def test_retry_after_is_honoured(sandbox, progress, engines):
    recorder, api = Recorder(), api_for(sandbox)
    sandbox.faults.set(status=503, retry_after=2, path_prefix="/v1/xapi", times=1)
    engine = make_engine(engines, progress, lambda: to(api), recorder, backoff=Backoff(base=0.05))
    complete_chapters(progress, 2)
    engine.start()
    failing = recorder.wait_for(lambda s: s.phase is Phase.FAILING)
    assert failing.retry_in == 2.0 and failing.pending == 2
    failed_at = time.monotonic()
    recorder.wait_for(lambda s: s.phase is Phase.IDLE and s.pending == 0)
    assert time.monotonic() - failed_at >= 1.9  # a floor, never a ceiling
    assert recorder.attempts == 2


class ExpiredThenFresh:
    """A session whose access token the platform no longer accepts; one refresh fixes it."""

    def __init__(self, fresh: str) -> None:
        self.fresh, self.current, self.refreshes = fresh, "expired-access-token", 0

    def bearer(self) -> str:
        return self.current

    def access_rejected(self, token: str) -> None:
        self.refreshes += 1
        self.current = self.fresh


def test_an_expired_token_is_refreshed_once_mid_sync(sandbox, progress, engines):
    recorder = Recorder()
    source = ExpiredThenFresh(sandbox.oidc.issue_token_for(sandbox.learners.records["camille"]))
    api = api_for(sandbox).with_auth(source)
    engine = make_engine(engines, progress, lambda: to(api), recorder)
    complete_chapters(progress, 4)
    engine.start()
    recorder.wait_for(lambda s: s.phase is Phase.IDLE and s.pending == 0)
    assert source.refreshes == 1 and sandbox.statements.count() == 4


def test_a_session_that_ended_waits_for_sign_in_without_retrying(sandbox, progress, engines):
    recorder = Recorder()

    class Ended:
        def bearer(self) -> str:
            raise SignInRequired("Connectez-vous pour continuer.")

        def access_rejected(self, token: str) -> None:
            pass

    api = api_for(sandbox).with_auth(Ended())
    engine = make_engine(engines, progress, lambda: to(api), recorder, backoff=Backoff(base=0.05))
    complete_chapters(progress, 1)
    engine.start()
    status = recorder.wait_for(lambda s: s.phase is Phase.SIGNED_OUT)
    assert status.pending == 1 and "Connectez-vous" in status.message
    time.sleep(0.5)
    assert recorder.attempts == 1  # no retry loop: signing in again calls sync_now


def test_signed_out_progress_is_counted_and_kept(progress, engines):
    recorder = Recorder()
    engine = make_engine(engines, progress, lambda: None, recorder, debounce=0.05)
    engine.start()
    recorder.wait_for(lambda s: s.phase is Phase.SIGNED_OUT)
    complete_chapters(progress, 2)
    engine.changed()
    assert recorder.wait_for(lambda s: s.pending == 2).phase is Phase.SIGNED_OUT


def test_periodic_sync_brings_in_another_devices_progress(sandbox, progress, engines, tmp_path):
    recorder, api = Recorder(), api_for(sandbox)
    engine = make_engine(engines, progress, lambda: to(api), recorder, period=0.3)
    engine.start()
    recorder.wait_for(lambda s: s.last_success is not None)
    other = complete_chapters(ProgressService(tmp_path / "other-device"), 3)
    from companion.sync.outbox import push

    push(other, api, "u-1001", HOME)
    deadline = time.monotonic() + 10
    while len(progress.completed_activities()) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(progress.completed_activities()) == 3
    other.close()


def test_sync_now_skips_the_backoff(sandbox, progress, engines):
    recorder, api = Recorder(), api_for(sandbox)
    sandbox.faults.set(status=500, path_prefix="/v1/xapi", times=1)
    engine = make_engine(
        engines, progress, lambda: to(api), recorder, backoff=Backoff(base=600, cap=600)
    )
    complete_chapters(progress, 1)
    engine.start()
    assert (recorder.wait_for(lambda s: s.phase is Phase.FAILING).retry_in or 0) >= 300
    engine.sync_now()
    recorder.wait_for(lambda s: s.phase is Phase.IDLE and s.pending == 0)


def test_at_quit_what_is_queued_is_pushed_briefly(sandbox, progress, engines):
    recorder, api = Recorder(), api_for(sandbox)
    engine = make_engine(engines, progress, lambda: to(api), recorder, debounce=60)
    engine.start(first_sync_in=3600)
    complete_chapters(progress, 3)
    engine.changed()  # the debounce would wait a minute; quitting does not
    engine.stop(flush_seconds=5)
    assert sandbox.statements.count() == 3 and progress.pending_count() == 0


def test_an_invalid_statement_is_counted_aside_and_does_not_block(sandbox, progress, engines):
    recorder, api = Recorder(), api_for(sandbox)
    complete_chapters(progress, 3)
    with progress.db.write() as c:
        c.execute(
            "UPDATE outbox SET statement = json_set(statement, '$.object.id', 'pas une IRI')"
            " WHERE rowid = 2"
        )
    engine = make_engine(engines, progress, lambda: to(api), recorder)
    engine.start()
    status = recorder.wait_for(lambda s: s.phase is Phase.IDLE and s.last_success is not None)
    assert (status.pending, status.set_aside) == (0, 1)
    assert sandbox.statements.count() == 2


def _ch(i: int):
    from companion.domain import Chapter

    return Chapter(f"s{i}", f"Chapitre {i}", (), f"{HOME}/xapi/activities/courses/c/chapters/s{i}")


def test_a_platform_that_times_out_is_retried_and_nothing_is_stored_twice(
    sandbox, progress, engines
):
    recorder = Recorder()
    slow = PlatformV1(
        HttpClient(NetworkConfig(base_url=sandbox.url, retries=0, timeout_seconds=0.5)),
        api_for(sandbox).auth,
    )
    # The platform stores the batch, then takes 2 s to answer: the client gives up first.
    sandbox.faults.set(first_byte_delay_ms=2000, path_prefix="/v1/xapi", times=1)
    engine = make_engine(
        engines, progress, lambda: to(slow), recorder, backoff=Backoff(base=0.2, cap=0.4)
    )
    complete_chapters(progress, 5)
    engine.start()
    # Sent again in halves within the same sync (issue 24): the platform says it has them.
    recorder.wait_for(lambda s: s.phase is Phase.IDLE and s.pending == 0)
    assert not any(s.phase is Phase.OFFLINE for s in recorder.statuses)  # slow, not offline
    assert sandbox.statements.count() == 5 and sandbox.statements.arrivals() == 5


def test_a_sync_asked_from_another_thread_waits_for_the_one_under_way(engines, tmp_path):
    """A sign-out pushes one last time (run_once) while the worker may be syncing: the two
    never overlap, so no batch of one learner can go with the next learner's session."""
    inside, most = [0], [0]
    lock = threading.Lock()

    def slow_target():
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.3)
        with lock:
            inside[0] -= 1
        return None  # nobody signed in: the sync ends there

    progress = ProgressService(tmp_path)
    engine = SyncEngine(progress, slow_target, lambda _status: None)
    engines.append(engine)
    others = [threading.Thread(target=engine.run_once) for _ in range(3)]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(10)
    assert most[0] == 1
    progress.close()
