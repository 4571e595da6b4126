"""Progress and its statements, committed together; statements valid against xAPI rules."""

import json
import re
import sqlite3

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import xapi
from companion.domain import Block, Chapter, Choice, CourseManifest, Part, Question, Quiz
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
COURSE = CourseManifest(
    "c",
    "1",
    "Sécurité sur un chantier",
    "fr",
    (
        Part(
            "p1",
            "Partie 1",
            (CHAPTER, Chapter("quiz", QUIZ.title, (Block("quiz", quiz=QUIZ),))),
        ),
    ),
    "https://p.example/xapi/activities/courses/c",
)


def valid(statement):
    jsonschema.validate(xapi.with_actor(statement, "u-1001", "https://p.example"), SCHEMA)


def test_quiz_attempts_and_completions_queue_valid_statements(tmp_path):
    service = ProgressService(tmp_path)
    service.submit("c", QUIZ, {"q1": frozenset({"b"})}, COURSE)
    assert service.complete_chapter("c", CHAPTER, COURSE)
    assert not service.complete_chapter("c", CHAPTER)  # once is enough
    queued = service.pending_statements()
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in queued]
    # the quiz, its one answer, the chapter, then the course
    assert verbs == ["passed", "answered", "completed", "completed"]
    assert queued[1]["result"] == {"response": "b", "success": True}
    assert queued[3]["object"]["id"] == COURSE.activity_id
    assert queued[0]["result"]["score"]["scaled"] == 1.0
    assert "actor" not in queued[0]  # the sender adds the learner signed in at that time
    for statement in queued:
        valid(statement)
    assert service.completed_chapters("c") == {"ch1"}


def test_an_action_and_its_statement_commit_together(tmp_path, monkeypatch):
    service = ProgressService(tmp_path)
    fixed = xapi.statement("failed", QUIZ.activity_id, "quiz", QUIZ.title)
    made = xapi.statement
    monkeypatch.setattr(  # the attempt's statement gets the same id twice
        xapi,
        "statement",
        lambda verb, *a, **k: dict(fixed) if verb == "failed" else made(verb, *a, **k),
    )
    service.submit("c", QUIZ, {})
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        service.submit("c", QUIZ, {})  # the outbox refuses the second copy...
    attempts = service.db.read("SELECT COUNT(*) FROM quiz_attempts")[0][0]
    assert attempts == 1  # ...and the attempt that came with it is rolled back too
    assert service.pending_count() == 2  # the first attempt and its answer, nothing else


def test_a_platform_without_activity_ids_still_gets_valid_iris(tmp_path):
    service = ProgressService(tmp_path)
    service.complete_chapter("c", Chapter("ch2", "Sans id", ()))
    valid(service.pending_statements()[0])


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "PT0S"),
        (61.5, "PT1M1.5S"),
        (3723, "PT1H2M3S"),
        (119.999, "PT2M0S"),  # the issue's: PT1M60S
        (3599.999, "PT1H0S"),  # PT59M60S
        (59.999, "PT1M0S"),  # PT60S
        (59.994, "PT59.99S"),
        (0.05, "PT0.05S"),
        (-3, "PT0S"),
        (float("nan"), "PT0S"),
        (float("inf"), "PT0S"),
    ],
)
def test_iso_durations(seconds, text):
    assert xapi.iso_duration(seconds) == text


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
@settings(max_examples=2000)
def test_iso_durations_are_exact_at_every_boundary(seconds):
    """Property (issue 24, item 5): minutes and seconds below 60 whatever the float, and
    the duration read back is the float to the hundredth."""
    text = xapi.iso_duration(seconds)
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(\d+(?:\.\d{1,2})?)S", text)
    assert match is not None, text
    assert int(match.group(2) or 0) < 60 and float(match.group(3)) < 60, text
    assert not re.search(r"\.(\d*0)?$", match.group(3)), text  # no "1.50", no "1."
    back = xapi.duration_seconds(text)
    assert back is not None and abs(back - seconds) <= 0.005 + seconds * 1e-12, text


def test_iso_durations_near_every_minute_and_hour():
    """Dense, around each boundary of the first day: every value 1 ms apart from 10 ms
    before to 10 ms after each minute."""
    for minute in range(0, 24 * 60 + 1):
        for step in range(-10, 11):
            seconds = minute * 60 + step / 1000
            if seconds < 0:
                continue
            text = xapi.iso_duration(seconds)
            match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?([\d.]+)S", text)
            assert match and int(match.group(2) or 0) < 60 and float(match.group(3)) < 60, text


def test_study_sessions_become_statements_with_their_duration(tmp_path):
    service = ProgressService(tmp_path)
    assert not service.record_study("c", CHAPTER, 4.0, COURSE)  # a glance is not study
    assert service.record_study("c", CHAPTER, 125.5, COURSE)
    assert service.record_study("c", CHAPTER, 60.0, COURSE)
    queued = service.pending_statements()
    assert [s["result"]["duration"] for s in queued] == ["PT2M5.5S", "PT1M0S"]
    parent = queued[0]["context"]["contextActivities"]["parent"][0]
    assert parent["definition"]["name"] == {"fr-FR": "Sécurité sur un chantier"}
    for statement in queued:
        valid(statement)
    assert service.time_studied() == {COURSE.activity_id: 185.5}


def test_time_studied_adds_sessions_from_other_devices_once_each(tmp_path):
    laptop, kiosk = ProgressService(tmp_path / "a"), ProgressService(tmp_path / "b")
    laptop.record_study("c", CHAPTER, 600, COURSE)
    kiosk.record_study("c", CHAPTER, 300, COURSE)
    from_kiosk = kiosk.pending_statements()
    laptop.merge_pulled(from_kiosk, "1")
    laptop.merge_pulled(from_kiosk + laptop.pending_statements(), "2")  # delivered twice
    assert laptop.time_studied() == {COURSE.activity_id: 900}


def test_the_course_is_completed_once_whichever_device_finished_the_last_part(tmp_path):
    laptop, kiosk = ProgressService(tmp_path / "a"), ProgressService(tmp_path / "b")
    kiosk.submit("c", QUIZ, {"q1": frozenset({"b"})}, COURSE)  # passed on the kiosk
    laptop.merge_pulled(kiosk.pending_statements(), "1")
    laptop.complete_chapter("c", CHAPTER, COURSE)
    laptop.complete_chapter("c", CHAPTER, COURSE)
    courses = [s for s in laptop.pending_statements() if s["object"]["id"] == COURSE.activity_id]
    assert len(courses) == 1
    valid(courses[0])


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT0S", 0),
        ("PT1M1.5S", 61.5),
        ("PT1H2M3S", 3723),
        ("P1DT1S", 86401),
        ("PT", None),
        ("P", None),
        ("1H", None),
        (None, None),
        ("PT-1S", None),
    ],
)
def test_durations_are_read_back(text, seconds):
    assert xapi.duration_seconds(text) == seconds
