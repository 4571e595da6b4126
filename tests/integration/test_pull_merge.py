"""Two devices of one learner converge over real HTTP, whatever the order of their syncs."""

from __future__ import annotations

import contextlib
import random

import pytest

from companion.domain import Chapter, Choice, Question, Quiz
from companion.services.progress import ProgressService
from companion.sync.client import PlatformError, PlatformUnreachable
from companion.sync.outbox import push
from companion.sync.pull import pull
from tests.integration.test_push import api_for
from tests.sync_helpers import HOME

QUIZ = Quiz(
    "q",
    "Quiz",
    0.5,
    (
        Question("q1", "single", "?", (Choice("a", "A"), Choice("b", "B")), frozenset({"b"}), "B."),
        Question("q2", "single", "?", (Choice("a", "A"), Choice("b", "B")), frozenset({"a"}), "A."),
    ),
    activity_id=f"{HOME}/xapi/activities/courses/c/quizzes/q",
)


def chapter(i: int) -> Chapter:
    return Chapter(f"ch{i}", f"Chapitre {i}", (), f"{HOME}/xapi/activities/courses/c/ch{i}")


def sync(device: ProgressService, api) -> None:
    push(device, api, "u-1001", HOME)
    pull(device, api)


def test_two_devices_converge(sandbox, tmp_path):
    api = api_for(sandbox)
    laptop, kiosk = ProgressService(tmp_path / "laptop"), ProgressService(tmp_path / "kiosk")
    laptop.complete_chapter("c", chapter(1))
    laptop.submit("c", QUIZ, {"q1": frozenset({"b"})})  # 50 %
    kiosk.complete_chapter("c", chapter(2))
    kiosk.submit("c", QUIZ, {"q1": frozenset({"b"}), "q2": frozenset({"a"})})  # 100 %
    sync(laptop, api)
    sync(kiosk, api)
    sync(laptop, api)
    for device in (laptop, kiosk):
        assert device.completed_activities() == {chapter(1).activity_id, chapter(2).activity_id}
        assert device.best_scores() == {QUIZ.activity_id: 1.0}
    assert pull(laptop, api) == 0  # pulling again adds nothing
    assert sandbox.statements.count() == 4


@pytest.mark.parametrize("seed", range(6))
def test_random_interleavings_with_faults_converge(sandbox, tmp_path, seed):
    """Random actions and syncs on three devices, with lost answers along the way."""
    rng = random.Random(seed)
    api = api_for(sandbox)
    devices = [ProgressService(tmp_path / f"device-{i}") for i in range(3)]
    made = 0
    for _ in range(30):
        device = rng.choice(devices)
        action = rng.random()
        if action < 0.35:
            made += device.complete_chapter("c", chapter(rng.randrange(8)))
        elif action < 0.6:
            answers = {q.id: frozenset({rng.choice("ab")}) for q in QUIZ.questions}
            device.submit("c", QUIZ, answers)
            made += 1
        else:
            if rng.random() < 0.3:  # the platform stores the batch, the answer is lost
                sandbox.faults.set(drop_after_bytes=1, path_prefix="/v1/xapi", times=1)
            with contextlib.suppress(PlatformUnreachable, PlatformError):
                sync(device, api)  # a lost answer: the statements stay queued
            sandbox.faults.clear()
    for device in devices:  # everyone syncs at the end, twice to see the others' last
        sync(device, api)
    for device in devices:
        sync(device, api)
    first = devices[0]
    for device in devices[1:]:
        assert device.completed_activities() == first.completed_activities()
        assert device.best_scores() == first.best_scores()
    assert all(d.pending_count() == 0 for d in devices)
    assert sandbox.statements.count() == made  # every action once on the platform
