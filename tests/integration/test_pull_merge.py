"""Two devices of one learner converge over real HTTP, whatever the order of their syncs."""

from __future__ import annotations

from companion.domain import Chapter, Choice, Question, Quiz
from companion.services.progress import ProgressService
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
    pull(device, api, "u-1001", HOME)


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
    assert pull(laptop, api, "u-1001", HOME) == 0  # pulling again adds nothing
    assert sandbox.statements.count() == 8  # 2 chapters, 2 attempts with 2 answers each
