"""Progress to and from a real Moodle 5.1 through the outbox, as the sync sends it: a chapter
read or completed offline becomes the site's own calls, checked with the administrator's web
services; the site's completion comes back as facts that merge like any other."""

from __future__ import annotations

import pytest

from companion import xapi
from companion.domain import Chapter, CourseManifest
from companion.services.progress import ProgressService
from companion.sync import moodle_ws
from companion.sync.client import HttpClient
from companion.sync.moodle import MoodlePlatform
from companion.sync.moodle_outline import course_ref
from companion.sync.outbox import push
from companion.sync.pull import pull
from tests.moodle_site import LEARNER, MoodleSite

COMPLETE = {1, 2}


@pytest.fixture
def platform(moodle_http: HttpClient) -> MoodlePlatform:
    return MoodlePlatform(moodle_http, moodle_ws.token_for(moodle_http, *LEARNER))


@pytest.fixture
def course(moodle: MoodleSite, platform: MoodlePlatform) -> CourseManifest:
    manifest = platform.manifest(course_ref(moodle.url, moodle.course_id)).manifest
    assert manifest is not None
    return manifest


def chapter(course: CourseManifest, title: str) -> Chapter:
    return next(c for p in course.parts for c in p.chapters if c.title == title)


def test_chapters_completed_offline_are_completed_on_the_site(
    moodle, moodle_http, platform, course, tmp_path
):
    progress = ProgressService(tmp_path / "learner", str(moodle.learner_id))
    for title in ("Introduction à la prévention", "Fiche réflexe incendie (PDF)"):
        progress.complete_chapter(course.id, chapter(course, title), course)
    progress.complete_chapter(course.id, chapter(course, "INRS — dossier prévention"), course)
    assert progress.pending_count() > 0
    report = push(progress, platform, str(moodle.learner_id), moodle.url)
    assert report.set_aside == 0 and progress.pending_count() == 0
    states = moodle.completion_states()
    assert states[moodle.cmid("page")] in COMPLETE  # "on view": the view call did it
    assert states[moodle.cmid("resource")] in COMPLETE  # manual: set to done
    assert states[moodle.cmid("url")] in COMPLETE
    assert states[moodle.cmid("quiz")] not in COMPLETE  # a quiz needs a grade
    progress.close()


def test_sent_twice_an_action_stays_done_never_toggled(moodle, moodle_http, platform, course):
    completed = xapi.statement(
        "completed",
        chapter(course, "Fiche réflexe incendie (PDF)").activity_id,
        "chapter",
        "PDF",
    )
    platform.post_statements([completed])
    platform.post_statements([completed])  # a crash before the acknowledgement: sent again
    assert moodle.completion_states()[moodle.cmid("resource")] == 1


def test_an_action_the_site_cannot_take_is_refused_alone(moodle, platform, course, tmp_path):
    progress = ProgressService(tmp_path / "learner", str(moodle.learner_id))
    elsewhere = chapter(course, "Introduction à la prévention")._replace(
        activity_id="https://elsewhere.example/mod/page/view.php?id=1"
    )
    progress.complete_chapter(course.id, elsewhere, course)
    progress.complete_chapter(course.id, chapter(course, "INRS — dossier prévention"), course)
    report = push(progress, platform, str(moodle.learner_id), moodle.url)
    assert report.set_aside >= 1 and report.sent >= 1
    assert progress.pending_count() == 0
    progress.close()


def test_the_sites_completion_comes_back_and_merges_once(
    moodle, moodle_http, platform, course, tmp_path
):
    platform.post_statements(
        [
            xapi.statement(
                "completed",
                chapter(course, "INRS — dossier prévention").activity_id,
                "chapter",
                "URL",
            )
        ]
    )
    other_device = ProgressService(tmp_path / "other-device", str(moodle.learner_id))
    added = pull(other_device, platform, str(moodle.learner_id), moodle.url)
    assert added >= 1
    url_chapter = chapter(course, "INRS — dossier prévention")
    assert url_chapter.activity_id in other_device.completed_activities()  # every device's facts
    assert pull(other_device, platform, str(moodle.learner_id), moodle.url) == 0  # known facts
    other_device.close()
