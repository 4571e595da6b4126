"""A Moodle quiz answered in Companion and graded by the real Moodle 5.1: its questions read
from the site's own form (never shown as its HTML), the answers sent, the grade back, and
the quiz completed on the site (its rule: receive a grade)."""

from __future__ import annotations

import json

import pytest

from companion.domain import SiteQuestion
from companion.sync import moodle_ws
from companion.sync.client import HttpClient
from companion.sync.moodle import MoodlePlatform
from companion.sync.moodle_quiz import question
from tests.moodle_site import LEARNER, MoodleSite


@pytest.fixture
def platform(moodle_http: HttpClient) -> MoodlePlatform:
    return MoodlePlatform(moodle_http, moodle_ws.token_for(moodle_http, *LEARNER))


def quiz_address(moodle: MoodleSite) -> str:
    return f"{moodle.url}/mod/quiz/view.php?id={moodle.cmid('quiz')}"


def choose(question: SiteQuestion, text: str) -> str:
    return next(c.id for c in question.choices if c.text.endswith(text))


def test_a_quiz_is_answered_here_and_graded_by_the_site(moodle, moodle_http, platform):
    attempt = platform.quiz_attempt(quiz_address(moodle))
    assert attempt.quiz_name == "Quiz de validation"
    first, second = attempt.questions
    assert first.prompt == "Quel est le numéro d’appel d’urgence européen ?"
    assert first.kind == "single"  # the site shuffles the choices, each keeps its letter
    assert {c.text.split(". ", 1)[1] for c in first.choices} == {"112", "911", "15", "17"}
    assert second.kind == "single" and [c.text for c in second.choices] == ["True", "False"]
    again = platform.quiz_attempt(quiz_address(moodle))
    assert again.id == attempt.id  # an attempt in progress is taken up again, not doubled
    grade = platform.finish_quiz(
        attempt, {first.slot: choose(first, "112"), second.slot: choose(second, "False")}
    )
    assert (grade.grade, grade.out_of) == (10.0, 10.0)
    assert moodle.completion_states()[moodle.cmid("quiz")] in (1, 2)


def test_question_html_is_read_never_trusted():
    hostile = {
        "slot": 1,
        "type": "multichoice",
        "html": (
            "<div class='qtext'><p>Which?<script>alert(1)</script></p></div>"
            "<input type='hidden' name='q1:1_:sequencecheck' value='1'>"
            "<input type='radio' name='q1:1_answer' value='0' id='a0'>"
            "<label for='a0'><img src='file:///etc/passwd'>Yes &amp; no</label>"
            "<input type='hidden' name='evil' value='x'>"
        ),
    }
    parsed = question(hostile)
    assert parsed.prompt == "Which?alert(1)"  # text only: no markup survives
    assert [c.text for c in parsed.choices] == ["Yes & no"]
    assert parsed.hidden == (("q1:1_:sequencecheck", "1"),)  # only the sequence check goes back
    assert json.dumps(parsed)  # plain data


def test_an_unknown_kind_of_question_is_left_to_the_site():
    parsed = question({"slot": 3, "type": "essay", "html": "<div class='qtext'>Write</div>"})
    assert parsed.kind == "other" and parsed.prompt == "Write"
