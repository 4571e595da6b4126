"""A Moodle course's outline refreshed against a real Moodle 5.1: an unchanged course costs
one updates call (``core_course_get_updates_since``, the site's ``check_updates`` over the
course's modules), no contents and no file; what a teacher changes brings the new outline.

The tests run in order on one site, each changing it a little more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from companion.domain import Asset, CourseManifest
from companion.errors import UserFacingError
from companion.platform import Fetched
from companion.sync import moodle_ws
from companion.sync.client import HttpClient
from companion.sync.moodle import MoodlePlatform
from companion.sync.moodle_outline import course_ref
from tests.moodle_site import LEARNER, MoodleSite

UPDATES = "core_course_get_updates_since"
CONTENTS = "core_course_get_contents"
EDIT_COURSE = Path(__file__).with_name("edit_course.php")


class Recorded:
    """Every request the platform sends: its path and, for a web service, its function."""

    def __init__(self, http: HttpClient) -> None:
        self.requests: list[tuple[str, str]] = []
        send = http.request

        def request(method: str, path: str, **kwargs: Any) -> Any:
            data = kwargs.get("data")
            function = data.get("wsfunction", "") if isinstance(data, dict) else ""
            self.requests.append((path, function))
            return send(method, path, **kwargs)

        http.request = request  # type: ignore[method-assign]

    @property
    def functions(self) -> list[str]:
        return [function for _path, function in self.requests]

    def clear(self) -> None:
        self.requests.clear()


@pytest.fixture
def platform(moodle_http: HttpClient) -> MoodlePlatform:
    return MoodlePlatform(moodle_http, moodle_ws.token_for(moodle_http, *LEARNER))


@pytest.fixture
def reference(moodle: MoodleSite) -> str:
    return course_ref(moodle.url, moodle.course_id)


def test_an_unchanged_course_costs_one_updates_call(platform, reference):
    first = platform.manifest(reference)
    assert first.manifest is not None
    recorded = Recorded(platform.http)
    again = platform.manifest(reference, first.etag)
    assert again == Fetched(None, first.etag)
    assert recorded.functions == [UPDATES]  # no contents, no course list, no file


def test_the_learners_own_progress_is_no_change_of_the_outline(moodle, platform, reference):
    first = platform.manifest(reference)
    platform._call(
        "core_completion_update_activity_completion_status_manually",
        cmid=moodle.cmid("resource"),
        completed=True,
    )
    recorded = Recorded(platform.http)
    assert platform.manifest(reference, first.etag).manifest is None
    assert CONTENTS not in recorded.functions


def test_an_edited_page_brings_its_new_outline_and_keeps_the_other_files(
    moodle, platform, reference
):
    first = platform.manifest(reference)
    assert first.manifest is not None
    _edit(moodle, "edit", str(moodle.cmid("page")), "Prévenir : les 9 principes", "<p>Revu</p>")
    recorded = Recorded(platform.http)
    again = platform.manifest(reference, first.etag)
    assert again.manifest is not None and again.etag != first.etag
    assert recorded.functions.count(CONTENTS) == 1
    assert not [path for path, _function in recorded.requests if "pluginfile" in path]
    page = _chapter(again.manifest, f"cm{moodle.cmid('page')}")
    assert page.title == "Prévenir : les 9 principes"
    old_page = _chapter(first.manifest, f"cm{moodle.cmid('page')}")
    assert _assets(page) != _assets(old_page)  # its text is a new file to download
    pdf = f"cm{moodle.cmid('resource')}"  # the PDF did not change: the file kept stays good
    assert _assets(_chapter(again.manifest, pdf)) == _assets(_chapter(first.manifest, pdf))
    assert platform.manifest(reference, again.etag).manifest is None  # and then it is current


def test_an_added_activity_is_seen(moodle, platform, reference):
    first = platform.manifest(reference)
    cmid = _edit(moodle, "add", str(moodle.course_id), "1", "Les équipements de protection")
    again = platform.manifest(reference, first.etag)
    assert again.manifest is not None
    assert _chapter(again.manifest, f"cm{cmid.strip()}").title == "Les équipements de protection"


def test_an_activity_hidden_from_the_learner_is_seen(moodle, platform, reference):
    first = platform.manifest(reference)
    _edit(moodle, "hide", str(moodle.cmid("url")))
    again = platform.manifest(reference, first.etag)
    assert again.manifest is not None
    chapters = {c.id for p in again.manifest.parts for c in p.chapters}
    assert f"cm{moodle.cmid('url')}" not in chapters


def test_a_tag_from_an_older_companion_reads_the_outline_once(platform, reference):
    first = platform.manifest(reference)
    assert first.manifest is not None
    again = platform.manifest(reference, first.manifest.version)  # the version alone
    assert again.manifest == first.manifest
    assert platform.manifest(reference, again.etag).manifest is None


def test_a_learner_taken_out_of_the_course_is_told_so(moodle, platform, reference):
    first = platform.manifest(reference)  # last: the learner has no course after it
    _edit(moodle, "unenrol", str(moodle.course_id), str(moodle.learner_id))
    with pytest.raises(UserFacingError, match="no longer enrolled"):
        platform.manifest(reference, first.etag)


def _edit(moodle: MoodleSite, *arguments: str) -> str:
    """A teacher's change, from the site's own code (``edit_course.php``)."""
    config = str(moodle.base / "moodle" / "config.php")
    return moodle.php(str(EDIT_COURSE), config, *arguments)


def _chapter(manifest: CourseManifest, chapter_id: str) -> Any:
    return next(c for p in manifest.parts for c in p.chapters if c.id == chapter_id)


def _assets(chapter: Any) -> list[Asset]:
    return [b.asset for b in chapter.blocks if b.asset is not None]
