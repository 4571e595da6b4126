"""Progress and its statements, committed together; statements valid against xAPI rules."""

import json
import sqlite3

import jsonschema
import pytest

from companion import xapi
from companion.domain import Chapter, Choice, Question, Quiz
from companion.resources import resource
from companion.services.progress import ProgressService

SCHEMA = json.loads(resource("xapi-statement.schema.json").read_text(encoding="utf-8"))
QUIZ = Quiz(
    "q",
    "Quiz : les risques",
    0.5,
    (Question("q1", "single", "?", (Choice("a", "A"), Choice("b", "B")), frozenset({"b"}), "B."),),
    activity_id="https://p.example/xapi/activities/courses/c/quizzes/q",
)
CHAPTER = Chapter("ch1", "Les dangers", (), "https://p.example/xapi/activities/courses/c/ch1")


def valid(statement):
    jsonschema.validate(xapi.with_actor(statement, "u-1001", "https://p.example"), SCHEMA)


def test_quiz_attempts_and_completions_queue_valid_statements(tmp_path):
    service = ProgressService(tmp_path)
    service.submit("c", QUIZ, {"q1": frozenset({"b"})}, "https://p.example/courses/c")
    assert service.complete_chapter("c", CHAPTER)
    assert not service.complete_chapter("c", CHAPTER)  # once is enough
    queued = service.pending_statements()
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in queued] == ["passed", "completed"]
    assert queued[0]["result"]["score"]["scaled"] == 1.0
    assert "actor" not in queued[0]  # the sender adds the learner signed in at that time
    for statement in queued:
        valid(statement)
    assert service.completed_chapters("c") == {"ch1"}


def test_an_action_and_its_statement_commit_together(tmp_path, monkeypatch):
    service = ProgressService(tmp_path)
    fixed = xapi.statement("failed", QUIZ.activity_id, "quiz", QUIZ.title)
    monkeypatch.setattr(xapi, "statement", lambda *a, **k: dict(fixed))
    service.submit("c", QUIZ, {})
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        service.submit("c", QUIZ, {})  # the outbox refuses the second copy...
    attempts = service.db.read("SELECT COUNT(*) FROM quiz_attempts")[0][0]
    assert attempts == 1  # ...and the attempt that came with it is rolled back too


def test_a_platform_without_activity_ids_still_gets_valid_iris(tmp_path):
    service = ProgressService(tmp_path)
    service.complete_chapter("c", Chapter("ch2", "Sans id", ()))
    valid(service.pending_statements()[0])


@pytest.mark.parametrize(("seconds", "text"), [(0, "PT0S"), (61.5, "PT1M1.5S"), (3723, "PT1H2M3S")])
def test_iso_durations(seconds, text):
    assert xapi.iso_duration(seconds) == text
