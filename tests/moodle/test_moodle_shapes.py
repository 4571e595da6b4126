"""More course shapes than the shared seed holds, against the real Moodle 5.1 (its own seed,
``seed_shapes.php``, run once on this module's site): an image embedded in a page's text,
activities the site keeps closed until another is completed or until a date, and a quiz
of a several-answer choice and a short answer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from companion.app.context import AppContext
from companion.domain import CourseManifest
from companion.jobs import Control
from companion.services.library import OFFLINE
from companion.services.library_states import CLOSED
from companion.sync import moodle_ws
from companion.sync.client import HttpClient
from companion.sync.moodle import MoodlePlatform
from companion.sync.moodle_outline import course_ref
from tests.moodle_site import MoodleSite


@pytest.fixture(scope="module")
def shapes(moodle: MoodleSite) -> dict[str, Any]:
    seed = Path(__file__).with_name("seed_shapes.php")
    printed = moodle.php(str(seed), str(moodle.base / "moodle" / "config.php"))
    return dict(json.loads(printed.strip().splitlines()[-1]))


def signed_in(app: AppContext, moodle: MoodleSite, shapes: dict[str, Any]) -> str:
    learner = shapes["learner"]
    app.site_accounts().add_with_password(moodle.url, learner["username"], learner["password"])
    return course_ref(moodle.url, shapes["course"])


def downloaded(app: AppContext, reference: str) -> CourseManifest:
    library = app.library()
    library.download(reference, Control.new())
    course = library.manifest(reference)
    assert course is not None
    return course


def chapter_named(course: CourseManifest, title: str):
    return next(c for part in course.parts for c in part.chapters if c.title == title)


def test_an_image_in_a_page_is_kept_checked_and_shown_offline(moodle, shapes, app):
    reference = signed_in(app, moodle, shapes)
    course = downloaded(app, reference)
    page = chapter_named(course, "Le poste de travail")
    assert [b.type for b in page.blocks] == ["text", "image"]
    image = page.blocks[1].asset
    assert image is not None and image.check == "etag-sha1"
    library = app.library()
    assert library.chapter_states(reference)[page.id] == OFFLINE
    kept = app.library().assets.path(image.sha256).read_bytes()
    assert hashlib.sha1(kept).hexdigest() == shapes["image_sha1"]  # the site's own bytes
    shown = library.chapter_page(reference, page.id)
    assert "Voici un clavier." in shown.html and "src='companion-image:0'" in shown.html
    assert shown.images[0].path == library.assets.path(image.sha256)  # from this computer
    assert "pluginfile.php" not in shown.html  # nothing is loaded from the site while reading


def test_an_activity_closed_until_another_is_completed_says_so_then_opens(moodle, shapes, app):
    reference = signed_in(app, moodle, shapes)
    course = downloaded(app, reference)
    exercise = chapter_named(course, "Exercice guidé")
    assert exercise.unavailable and "Le poste de travail" in exercise.unavailable
    library = app.library()
    assert library.chapter_states(reference)[exercise.id] == CLOSED
    assert "Le poste de travail" in str(library.chapter_html(reference, exercise.id))
    dated = chapter_named(course, "Séance de clôture")
    assert library.chapter_states(reference)[dated.id] == CLOSED and dated.unavailable
    # Completing the first page here opens the exercise at the next sync.
    app.progress_for(reference).complete_chapter(
        reference, chapter_named(course, "Le poste de travail"), course
    )
    app.sync_once()
    assert (
        moodle.completion_states_of(shapes["learner"]["id"], shapes["course"])[
            shapes["cmids"]["poste"]
        ]
        == 1
    )
    course = downloaded(app, reference)
    opened = chapter_named(course, "Exercice guidé")
    assert not opened.unavailable and [b.type for b in opened.blocks] == ["text"]
    assert library.chapter_states(reference)[opened.id] == OFFLINE
    assert chapter_named(course, "Séance de clôture").unavailable  # its date has not come


def quiz_started(moodle: MoodleSite, shapes: dict[str, Any], http: HttpClient):
    """The second learner's quiz attempt, through the app's Moodle platform; its choices of
    the several-answer question by their text (the site numbers them a., b....)."""
    learner = shapes["learner"]
    platform = MoodlePlatform(
        http, moodle_ws.token_for(http, learner["username"], learner["password"])
    )
    attempt = platform.quiz_attempt(f"{moodle.url}/mod/quiz/view.php?id={shapes['cmids']['quiz']}")
    several = attempt.questions[0]
    return platform, attempt, {c.text.split(". ", 1)[-1]: c.id for c in several.choices}


def test_several_answers_and_a_short_answer_are_graded_by_the_site(
    moodle, shapes, moodle_http: HttpClient
):
    platform, attempt, texts = quiz_started(moodle, shapes, moodle_http)
    several, short = attempt.questions
    assert several.kind == "multiple" and several.prompt == "Lesquels sont des navigateurs web ?"
    assert set(texts) == {"Firefox", "Chromium", "Tableur", "Clé USB"}
    assert short.kind == "short" and short.prompt.startswith("Quelle touche efface")
    grade = platform.finish_quiz(
        attempt, {several.slot: {texts["Firefox"], texts["Chromium"]}, short.slot: "Backspace"}
    )
    assert (grade.grade, grade.out_of) == (10.0, 10.0)  # the site's case-insensitive match
    states = moodle.completion_states_of(shapes["learner"]["id"], shapes["course"])
    assert states[shapes["cmids"]["quiz"]] in (1, 2)


def test_a_wrong_choice_among_several_costs_what_the_site_says(moodle, shapes, moodle_http):
    platform, attempt, texts = quiz_started(moodle, shapes, moodle_http)
    several, short = attempt.questions
    grade = platform.finish_quiz(
        attempt, {several.slot: {texts["Firefox"], texts["Tableur"]}, short.slot: "Suppr"}
    )
    assert grade.grade == 0.0  # +0.5 −0.5 and a wrong word: graded by the site, not here
