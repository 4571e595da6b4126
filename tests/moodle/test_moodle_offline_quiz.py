"""A Moodle quiz answered offline (the site's "allow offline attempts"), against a real
Moodle 5.1: kept when the course is downloaded, answered with no connection, sent and
graded at the next sync, the quiz then completed on the site."""

from __future__ import annotations

import pytest

from companion.app.context import AppContext
from companion.jobs import Control
from companion.sync.moodle_outline import course_ref
from tests.moodle_site import LEARNER, MoodleSite

OFFLINE_QUIZ = (
    "<?php define('CLI_SCRIPT', true); require($argv[1]);"
    " $DB->set_field('quiz', 'allowofflineattempts', 1, ['id' => {quiz}]);"
    " purge_all_caches();\n"
)


@pytest.fixture
def app(moodle: MoodleSite, platform_env, memory_keyring, monkeypatch):
    script = moodle.base / "offline-quiz.php"
    script.write_text(OFFLINE_QUIZ.replace("{quiz}", str(moodle.seed["quizid"])), "utf-8")
    moodle.php(str(script), str(moodle.base / "moodle" / "config.php"))
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(moodle.certificate))
    monkeypatch.setenv("COMPANION_NETWORK_RETRIES", "0")
    monkeypatch.setenv("COMPANION_NETWORK_TIMEOUT_SECONDS", "3")
    created = AppContext.create()
    yield created
    created.close()


def quiz_state(moodle: MoodleSite) -> int:
    return moodle.completion_states()[moodle.cmid("quiz")]


def test_a_quiz_answered_offline_is_graded_at_the_next_sync(moodle, app):
    app.site_accounts().add_with_password(moodle.url, *LEARNER)
    reference = course_ref(moodle.url, moodle.course_id)
    activity = f"{moodle.url}/mod/quiz/view.php?id={moodle.cmid('quiz')}"
    library = app.library()
    library.download(reference, Control.new())  # the quiz is started and kept then
    front = moodle.go_offline()
    try:
        attempt, answering = library.site_quiz(reference, activity)  # from this computer
        first, second = attempt.questions
        answers = {
            first.slot: next(c.id for c in first.choices if c.text.endswith("112")),
            second.slot: next(c.id for c in second.choices if c.text == "False"),
        }
        assert answering(answers) is None  # kept: no grade without the site
        app.sync_once()  # offline: nothing lost, nothing sent
    finally:
        moodle.come_back(front)
    assert quiz_state(moodle) == 0
    app.sync_once()
    assert quiz_state(moodle) in (1, 2)  # graded by the site, the quiz completed
