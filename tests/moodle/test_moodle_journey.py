"""The journey of issue 23 through the app's own services, against a real Moodle 5.1 beside
the demo platform: a learner adds the centre's Moodle, finds its course in the library,
downloads it, studies it, and after a sync the site shows the activities completed. Their
actions on the Moodle course belong to their Moodle account, and only go with its token."""

from __future__ import annotations

from companion.app.context import AppContext
from companion.jobs import Control
from companion.services.home import course_cards
from companion.services.library import OFFLINE
from companion.sync.moodle_outline import course_ref
from tests.moodle_site import LEARNER, MoodleSite

COMPLETE = {1, 2}


def studied_here(app, moodle: MoodleSite):
    """The centre's site added with the learner's password and its course downloaded."""
    account = app.site_accounts().add_with_password(moodle.url, *LEARNER)
    reference = course_ref(moodle.url, moodle.course_id)
    app.library().download(reference, Control.new())
    course = app.library().manifest(reference)
    assert course is not None
    return account, reference, course


def test_a_moodle_course_studied_here_is_completed_on_the_site(moodle, app):
    account = app.site_accounts().add_with_password(moodle.url, *LEARNER)
    reference = course_ref(moodle.url, moodle.course_id)
    library = app.library()
    assert reference in library.my_courses()  # one library: the platform's and the centre's
    library.download(reference, Control.new())
    course = library.manifest(reference)
    assert course is not None
    states = library.chapter_states(reference)
    mine = app.progress_for(reference)
    assert mine is not app.progress()  # the Moodle account's learner, not the profile's owner
    for part in course.parts:
        for chapter in part.chapters:
            readable = states.get(chapter.id) in (OFFLINE, "on_the_site")  # a link: opened
            if readable and chapter.title != "Quiz de validation":
                mine.complete_chapter(reference, chapter, course)
    assert mine.pending_count() > 0 and app.progress().pending_count() == 0
    app.sync_once()
    assert mine.pending_count() == 0
    seen = moodle.completion_states()
    for activity in ("page", "resource", "url"):
        assert seen[moodle.cmid(activity)] in COMPLETE, activity
    assert account.learner.issuer == moodle.url  # owned by the site + the user id there
    # The home view shows it beside the platform's courses, with its own progress.
    cards = course_cards(
        app.progress(), library.manifest, {}, sites=app.site_progress().by_course()
    )
    (card,) = [c for c in cards if c.course_id == reference]
    assert card.title == "Sécurité au travail : les fondamentaux" and card.chapters_done >= 3


def test_a_signed_out_moodle_account_keeps_its_actions_queued(moodle, app):
    sites = app.site_accounts()
    account, reference, course = studied_here(app, moodle)
    mine = app.progress_for(reference)
    mine.complete_chapter(reference, course.parts[0].chapters[0], course)
    sites.sign_out(account)
    app.sync_once()
    assert mine.pending_count() > 0  # kept, for that account's next sign-in; sent as nobody else


def test_a_moodle_course_reads_offline_and_is_found_by_search(moodle, app):
    _account, reference, course = studied_here(app, moodle)
    library = app.library()
    chapters = {c.title: c for part in course.parts for c in part.chapters}

    def page(title: str) -> str:
        return str(library.chapter_html(reference, chapters[title].id))

    assert "Les 9 principes généraux de prévention" in page("Introduction à la prévention")
    label = next(t for t in chapters if t.startswith("À savoir"))
    assert "lisez la page avant de consulter la fiche PDF" in page(label)  # inline, sanitised
    link = page("INRS — dossier prévention")
    assert "href='https://www.inrs.fr/" in link and "needs a connection" in link
    quiz = page("Quiz de validation")
    assert f"{moodle.url}/mod/quiz/view.php" in quiz and "Answer it here" in quiz
    assert "href='sitequiz:" in quiz  # answered in Companion, graded by the site
    assert "<script" not in "".join(page(t) for t in chapters)
    # Search spans every account: the centre's page and label are found like the platform's.
    found = {hit.chapter_title for hit in library.search("principes")}
    assert "Introduction à la prévention" in found
    assert {hit.course_id for hit in library.search("savoir")} == {reference}


def test_a_token_the_site_revoked_signs_that_account_out_and_loses_nothing(moodle, app):
    sites = app.site_accounts()
    account, reference, course = studied_here(app, moodle)
    library = app.library()
    mine = app.progress_for(reference)
    mine.complete_chapter(reference, course.parts[1].chapters[0], course)
    moodle.revoke_tokens()
    app.sync_once()
    assert not sites.is_signed_in(account)  # the account tab now asks to sign in again
    assert mine.pending_count() == 1  # kept for the next sign-in
    assert library.chapter_states(reference)  # the course and its files stay
    sites.add_with_password(moodle.url, *LEARNER)
    app.sync_once()
    assert mine.pending_count() == 0


def test_what_only_opens_on_the_site_is_said_so_and_never_blocks_a_full_download(moodle, app):
    _account, reference, course = studied_here(app, moodle)
    library = app.library()
    titles = {c.id: c.title for part in course.parts for c in part.chapters}
    states = {titles[c]: s for c, s in library.chapter_states(reference).items()}
    assert states["INRS — dossier prévention"] == "on_the_site"
    assert states["Quiz de validation"] == "on_the_site"
    assert states["Introduction à la prévention"] == OFFLINE
    assert library.course_states()[reference] == OFFLINE  # everything downloadable is here


def test_the_attestation_counts_the_time_studied_on_the_centres_site(moodle, app):
    _account, reference, course = studied_here(app, moodle)
    chapter = course.parts[0].chapters[0]
    app.progress_for(reference).record_study(reference, chapter, 25 * 60, course)
    platform_course = course._replace(
        id="sst", activity_id="https://plateforme.example/courses/sst", title="SST"
    )
    platform_chapter = chapter._replace(activity_id="https://plateforme.example/chapters/1")
    app.progress().record_study("sst", platform_chapter, 5 * 60, platform_course)
    report = app.attestation()
    (studied,) = [c for c in report.courses if c.site]
    assert studied.title == "Sécurité au travail : les fondamentaux"
    assert studied.site == "Centre de formation (test)" and studied.seconds == 25 * 60
    assert report.seconds == 30 * 60  # the platform's time and the centre's, in one total
    assert "Élodie Lefèvre" in report.learner


def test_a_second_computer_finds_what_the_first_completed(moodle, app, tmp_path, monkeypatch):
    _account, reference, course = studied_here(app, moodle)
    page = course.parts[0].chapters[0]
    app.progress_for(reference).complete_chapter(reference, page, course)
    app.sync_once()
    monkeypatch.setenv("COMPANION_HOME", str(tmp_path / "second-computer"))
    second = AppContext.create()
    try:
        second.site_accounts().add_with_password(moodle.url, *LEARNER)
        assert second.progress_for(reference).pending_count() == 0  # nothing to send from here
        second.sync_once()
        done = second.progress_for(reference).completed_activities()
        assert page.activity_id in done  # completed on any device stays completed
        second.sync_once()
        assert second.progress_for(reference).completed_activities() == done  # known, once
    finally:
        second.close()


def test_a_site_that_is_down_is_said_offline_and_its_actions_wait(moodle, app):
    """With only a centre's site to sync, its being down read "signed out" (nothing synced
    and no platform account): the learner was told to sign in to an account they had."""
    _account, reference, course = studied_here(app, moodle)
    mine = app.progress_for(reference)
    mine.complete_chapter(reference, course.parts[0].chapters[0], course)
    front = moodle.go_offline()
    try:
        status = app.sync_once()
        assert status.phase == "offline", status
        assert "reached" in status.message and mine.pending_count() == 1
    finally:
        moodle.come_back(front)
    status = app.sync_once()
    assert status.phase == "idle" and mine.pending_count() == 0
