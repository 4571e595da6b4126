"""Property: devices of one learner converge, whatever happens between them.

Hypothesis draws a history of actions on three devices (chapters completed, quizzes taken,
study sessions), syncs in any order, answers lost after the platform stored a batch, and
statements delivered twice. After everyone syncs at the end, all devices must derive the
same progress, that progress must be exactly what the actions imply, outboxes are empty
and the platform holds each statement once. Real HTTP, real SQLite, every example.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.domain import Chapter
from companion.services.progress import ProgressService
from companion.sync.client import PlatformError, PlatformUnreachable
from companion.sync.outbox import push
from companion.sync.pull import pull
from tests.integration.test_pull_merge import QUIZ, chapter
from tests.integration.test_push import api_for
from tests.sync_helpers import HOME

DEVICES = 3
COURSE_ACTIVITY = f"{HOME}/xapi/activities/courses/c"

actions = st.one_of(
    st.tuples(st.just("complete"), st.integers(0, DEVICES - 1), st.integers(0, 5)),
    st.tuples(st.just("quiz"), st.integers(0, DEVICES - 1), st.integers(0, 3)),
    st.tuples(st.just("study"), st.integers(0, DEVICES - 1), st.integers(10, 5000)),
    st.tuples(st.just("sync"), st.integers(0, DEVICES - 1), st.just(0)),
    st.tuples(st.just("sync_answer_lost"), st.integers(0, DEVICES - 1), st.just(0)),
    st.tuples(st.just("pull_everything_again"), st.integers(0, DEVICES - 1), st.just(0)),
)


class Expected:
    """What the actions imply, computed independently of the code under test."""

    def __init__(self) -> None:
        self.completed: set[str] = set()
        self.best: dict[str, float] = {}
        self.seconds = 0.0
        self.statements = 0


def act(device: ProgressService, kind: str, value: int, expected: Expected) -> None:
    if kind == "complete":
        target = chapter(value)
        if device.complete_chapter("c", target):
            expected.statements += 1
        expected.completed.add(target.activity_id)
    elif kind == "quiz":  # value's bits: which questions are answered right
        answers = {
            q.id: q.correct if value >> i & 1 else frozenset({"z"})
            for i, q in enumerate(QUIZ.questions)
        }
        result = device.submit("c", QUIZ, answers)
        expected.best[QUIZ.activity_id] = max(expected.best.get(QUIZ.activity_id, 0), result.score)
        expected.statements += 1 + len(QUIZ.questions)  # the attempt, and each answer
    elif kind == "study":
        studied = Chapter("s", "Étude", (), f"{HOME}/xapi/activities/courses/c/s")
        device.record_study("c", studied, value, _course())
        expected.seconds += value
        expected.statements += 1


def _course():
    from companion.domain import CourseManifest

    return CourseManifest("c", "1", "Cours", "fr", (), COURSE_ACTIVITY)


class SandboxStore:
    """The platform's own statements resource; a lost answer is a connection the sandbox
    cuts once it has stored the batch."""

    def __init__(self, server) -> None:
        self.server = server
        self.api = api_for(server)

    def reset(self) -> None:
        self.server.statements.clear()
        self.server.faults.clear()

    def lose_next_answer(self) -> None:
        self.server.faults.set(drop_after_bytes=1, path_prefix="/v1/xapi", times=1)

    def after_sync(self) -> None:
        self.server.faults.clear()

    def count(self) -> int:
        return int(self.server.statements.count())


class RalphStore:
    """Ralph; a lost answer is one the client drops after Ralph has stored the batch."""

    def __init__(self, server, ralph) -> None:
        from tests.ralph.fixtures import ralph_api

        self.ralph = ralph
        self.api = ralph_api(server, ralph)
        self._lose = False
        statements = self.api.statements()
        original = statements.post

        def post(batch):
            original(batch)
            if self._lose:
                self._lose = False
                raise PlatformUnreachable("answer lost after storing")

        statements.post = post  # type: ignore[method-assign]
        self.api.statements = lambda: statements  # type: ignore[method-assign]

    def reset(self) -> None:
        self.ralph.clear()

    def lose_next_answer(self) -> None:
        self._lose = True

    def after_sync(self) -> None:
        self._lose = False

    def count(self) -> int:
        return int(self.ralph.count())


def sync(device: ProgressService, store, kind: str) -> None:
    if kind == "sync_answer_lost":  # the store keeps the batch; the answer never comes
        store.lose_next_answer()
    if kind == "pull_everything_again":  # every statement delivered a second time
        with device.db.write() as c:
            c.execute("UPDATE sync_state SET value = '0' WHERE key = 'pull_cursor'")
    with contextlib.suppress(PlatformUnreachable, PlatformError):
        push(device, store.api, "u-1001", HOME)
        pull(device, store.api, "u-1001", HOME)
    store.after_sync()


def converge(store, history) -> None:
    store.reset()
    folder = Path(tempfile.mkdtemp(prefix="convergence-"))
    devices = [ProgressService(folder / f"device-{i}") for i in range(DEVICES)]
    expected = Expected()
    try:
        for kind, index, value in history:
            if kind.startswith(("sync", "pull")):
                sync(devices[index], store, kind)
            else:
                act(devices[index], kind, value, expected)
        for _round in range(2):  # the second round brings everyone the others' last
            for device in devices:
                sync(device, store, "sync")
        for device in devices:
            assert device.pending_count() == 0
            assert device.completed_activities() == expected.completed
            assert device.best_scores() == expected.best
            assert device.time_studied().get(COURSE_ACTIVITY, 0.0) == expected.seconds
        assert store.count() == expected.statements  # each exactly once
    finally:
        for device in devices:
            device.close()
        shutil.rmtree(folder, ignore_errors=True)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(actions, min_size=1, max_size=40))
def test_devices_converge_whatever_the_order_and_the_faults(_sandbox_server, history):
    converge(SandboxStore(_sandbox_server), history)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(actions, min_size=1, max_size=40))
def test_devices_converge_through_ralph(_sandbox_server, ralph, history):
    converge(RalphStore(_sandbox_server, ralph), history)


# --- several learners on one device (issue 9) ---------------------------------------------

LOGINS = {"camille": "u-1001", "karim": "u-1002", "lea": "u-1003"}

shared_steps = st.one_of(
    st.tuples(st.just("sign_in"), st.sampled_from(sorted(LOGINS)), st.booleans()),
    st.tuples(st.just("sign_out"), st.just(""), st.just(False)),
    st.tuples(st.just("act"), st.just(""), st.just(False)),
    st.tuples(st.just("sync"), st.just(""), st.just(False)),
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(shared_steps, min_size=1, max_size=14))
def test_learners_sharing_a_device_each_get_exactly_their_own_actions(
    _sandbox_server, memory_keyring, monkeypatch, history
):
    """Learners sign in and out in any order on one profile, acting signed in or not:
    each action reaches the platform exactly once, under the learner who made it (the one
    signed in, else the last one who signed in; before anyone, only if claimed)."""
    import threading

    from companion.app.context import AppContext
    from tests.auth_helpers import Browser

    server = _sandbox_server
    server.statements.clear()
    server.faults.clear()
    home = Path(tempfile.mkdtemp(prefix="shared-device-"))
    monkeypatch.setenv("COMPANION_HOME", str(home))
    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", server.url)
    monkeypatch.setenv("COMPANION_NETWORK_RETRIES", "0")
    app = AppContext.create()
    expected: dict[str, set[str]] = {login: set() for login in LOGINS}
    unclaimed: set[str] = set()
    declined: set[str] = set()
    signed_in: str | None = None
    last: str | None = None
    made = 0

    def sign_in(login: str, claim: bool) -> None:
        nonlocal signed_in, last
        app.account.sign_in_with_browser(Browser(login), threading.Event())
        signed_in = last = login
        offered = app.unclaimed_count()
        assert offered == (len(unclaimed) if login not in declined else 0)
        if offered:
            app.claim_unclaimed(claim)
            if claim:
                expected[login] |= unclaimed
                unclaimed.clear()
            else:
                declined.add(login)

    try:
        for kind, login, claim in history:
            if kind == "sign_in":
                if signed_in:
                    app.sign_out()
                sign_in(login, claim)
            elif kind == "sign_out" and signed_in:
                app.sign_out()
                signed_in = None
            elif kind == "act":
                target = chapter(made)
                made += 1
                app.progress().complete_chapter("c", target)
                owner = signed_in or last
                (expected[owner] if owner else unclaimed).add(target.activity_id)
            elif kind == "sync":
                app.sync_once()
        for login in LOGINS:  # everyone comes back once and syncs
            if signed_in:
                app.sign_out()
            sign_in(login, claim=False)
            app.sync_once()
        app.sign_out()
        for login, subject in LOGINS.items():
            sent = [s["object"]["id"] for s in server.statements.since(subject, 0, 500)[0]]
            assert sorted(sent) == sorted(expected[login])  # theirs, each exactly once
    finally:
        app.close()
        shutil.rmtree(home, ignore_errors=True)
