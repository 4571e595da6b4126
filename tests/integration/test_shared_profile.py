"""Several learners on one profile (a family computer): every action has one owner and
reaches the platform only under that learner (issue 9), over real HTTP to the sandbox."""

from __future__ import annotations

import threading

import pytest

from companion.app.context import AppContext
from companion.domain import Chapter, Choice, Question, Quiz
from tests.auth_helpers import Browser
from tests.sync_helpers import HOME, complete_chapters

QUIZ = Quiz(
    "q1",
    "Quiz",
    0.5,
    (
        Question(
            "a",
            "single",
            "2 + 2 ?",
            (Choice("x", "4"), Choice("y", "5")),
            frozenset({"x"}),
            "",
        ),
    ),
    f"{HOME}/xapi/activities/courses/c/quizzes/q1",
)


def sign_in(context: AppContext, login: str) -> int:
    """Sign in through the real browser flow; returns the actions offered to claim."""
    context.account.sign_in_with_browser(Browser(login), threading.Event())
    return context.unclaimed_count()


def sync(context: AppContext) -> None:
    status = context.sync_once()
    assert status.pending == 0, status


def verbs_of(sandbox, subject: str) -> list[str]:
    return [
        s["verb"]["id"].rsplit("/", 1)[-1] for s in sandbox.statements.since(subject, 0, 100)[0]
    ]


@pytest.fixture
def home_profile(platform_env, memory_keyring, monkeypatch):
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")
    opened: list[AppContext] = []

    def open_app() -> AppContext:
        if opened:
            opened[-1].close()
        opened.append(AppContext.create())
        return opened[-1]

    yield open_app
    opened[-1].close()


def test_an_action_made_signed_out_goes_to_the_last_learner_never_the_next(
    home_profile, platform_env
):
    # Seen: Camille in and out, then Karim; after a restart, signed out, Karim took a quiz;
    # when Camille signed in next, the platform received "passed" under Camille.
    app = home_profile()
    sign_in(app, "camille")
    app.sign_out()
    sign_in(app, "karim")
    app.sign_out()
    app = home_profile()  # restart
    assert app.owner() is not None and app.owner().subject == "u-1002"
    app.progress().submit("c", QUIZ, {"a": frozenset({"x"})})
    sign_in(app, "camille")
    sync(app)
    assert "passed" not in verbs_of(platform_env, "u-1001")
    assert "passed" not in verbs_of(platform_env, "u-1002")  # waits for Karim
    app.sign_out()
    sign_in(app, "karim")
    sync(app)
    assert verbs_of(platform_env, "u-1002").count("passed") == 1
    assert "passed" not in verbs_of(platform_env, "u-1001")


def test_each_learner_has_their_own_course_list_and_completions(home_profile, platform_env):
    # Seen: Karim's library listed Camille's courses; Karim read a chapter to its end and
    # only "launched" reached the platform (completion was kept per profile).
    app = home_profile()
    sign_in(app, "camille")
    app.library().add_course("securite-chantier")
    complete_chapters(app.progress(), 1)
    sync(app)
    app.sign_out()
    sign_in(app, "karim")
    assert "securite-chantier" not in app.library().my_courses()
    chapter = Chapter("ch0", "Chapitre 0", (), f"{HOME}/xapi/activities/courses/c/chapters/0")
    assert app.progress().complete_chapter("c", chapter)
    sync(app)
    assert verbs_of(platform_env, "u-1002") == ["completed"]
    assert verbs_of(platform_env, "u-1001") == ["completed"]


def test_actions_before_anyone_signed_in_wait_and_are_claimed_only_when_accepted(
    home_profile, platform_env
):
    app = home_profile()
    assert app.owner() is None
    complete_chapters(app.progress(), 2)
    assert sign_in(app, "camille") == 2  # asked: are these two yours?
    app.claim_unclaimed(mine=False)
    sync(app)
    assert verbs_of(platform_env, "u-1001") == []  # not hers: nothing sent
    assert app.unclaimed_count() == 0  # and she is not asked again
    app.sign_out()
    assert sign_in(app, "karim") == 2  # the next learner is asked
    assert app.claim_unclaimed(mine=True) == 2
    sync(app)
    assert verbs_of(platform_env, "u-1002") == ["completed", "completed"]
    assert verbs_of(platform_env, "u-1001") == []
    app.sign_out()
    assert sign_in(app, "camille") == 0  # claimed once, gone for good


def test_a_profile_from_an_earlier_release_keeps_each_learners_queue(home_profile, platform_env):
    """progress.db of the last release: one file for the profile, the outbox tagged with
    who was signed in. Each tagged action stays with its learner after the upgrade."""
    from companion.services.progress import ProgressService

    app = home_profile()
    legacy = ProgressService(app.profile_dir)
    legacy.learner = "u-1001"
    complete_chapters(legacy, 2)
    legacy.learner = "u-1002"
    complete_chapters(legacy, 1, first=2)
    legacy.close()
    app = home_profile()  # upgrade: nobody signed in, so the profile file is unclaimed
    assert not (app.profile_dir / "progress.db").exists()
    sign_in(app, "karim")
    app.claim_unclaimed(mine=False)
    sync(app)
    assert verbs_of(platform_env, "u-1002") == ["completed"]
    app.sign_out()
    sign_in(app, "camille")
    sync(app)
    assert verbs_of(platform_env, "u-1001") == ["completed", "completed"]


def test_the_course_list_of_an_earlier_release_goes_with_its_owners_progress(tmp_path):
    """The course list was kept in the profile's library.db: after the upgrade the owner
    still sees their courses (it was lost at first: the list stayed behind)."""
    from companion.services.learners import Learner, LearnerAreas
    from companion.services.progress import ProgressService
    from companion.store import schema
    from companion.store.db import Database

    library = Database(tmp_path / "library.db", schema.LIBRARY)
    with library.write() as c:
        c.execute("INSERT INTO my_courses VALUES ('securite-chantier', 1, 1.0)")
    library.close()
    complete_chapters(ProgressService(tmp_path), 1).close()
    camille = Learner("https://platform.example", "u-1001", "Camille")
    areas = LearnerAreas(tmp_path)
    areas.adopt_legacy(camille, camille.issuer)
    hers = ProgressService(areas.folder(camille), camille.subject)
    try:
        assert hers.my_courses() == ["securite-chantier"]
        assert hers.is_enrolled("securite-chantier")
        assert hers.pending_count() == 1
    finally:
        hers.close()
