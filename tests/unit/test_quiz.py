import pytest

from companion.domain import Choice, Question, Quiz
from companion.errors import UserFacingError
from companion.services.progress import ProgressService, grade

QUIZ = Quiz(
    "q",
    "Quiz",
    0.7,
    (
        Question("q1", "single", "?", (Choice("a", "A"), Choice("b", "B")), frozenset({"b"}), "B."),
        Question(
            "q2",
            "multiple",
            "?",
            (Choice("a", "A"), Choice("b", "B"), Choice("c", "C")),
            frozenset({"a", "c"}),
            "A and C.",
        ),
        Question("q3", "single", "?", (Choice("a", "A"), Choice("b", "B")), frozenset({"a"}), "A."),
    ),
)


def test_grading_is_all_or_nothing_per_question():
    score, passed, results = grade(
        QUIZ, {"q1": frozenset({"b"}), "q2": frozenset({"a"}), "q3": frozenset({"a"})}
    )
    assert [r.correct for r in results] == [True, False, True]
    assert score == pytest.approx(2 / 3) and not passed
    score, passed, _ = grade(
        QUIZ, {"q1": frozenset({"b"}), "q2": frozenset({"a", "c"}), "q3": frozenset({"a"})}
    )
    assert score == 1 and passed


def test_two_answers_to_a_single_choice_question_are_refused():
    with pytest.raises(UserFacingError):
        grade(QUIZ, {"q1": frozenset({"a", "b"})})


def test_attempts_are_saved_and_the_best_kept(tmp_path):
    service = ProgressService(tmp_path)
    service.submit("c", QUIZ, {"q1": frozenset({"b"})})
    service.submit("c", QUIZ, {"q1": frozenset({"b"}), "q2": frozenset({"a", "c"})})
    assert service.best_score("c", "q") == pytest.approx(2 / 3)
    service.close()
    assert ProgressService(tmp_path).best_score("c", "q") == pytest.approx(2 / 3)  # on disk


def test_reading_positions_are_remembered(tmp_path):
    service = ProgressService(tmp_path)
    service.save_position("c", "ch1", 0.4)
    service.save_position("c", "ch1", 0.6)
    assert service.position("c", "ch1") == 0.6 and service.position("c", "ch2") == 0.0
