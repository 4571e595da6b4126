"""The home view's figures (issue 13), from one learner's progress file only: chapters
completed, quizzes passed, time studied this week, and the chapter "Resume" opens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from companion.domain import CourseManifest, course_activity, parse_manifest
from companion.services.home import (
    SNAPSHOT_FILE,
    CourseCard,
    course_cards,
    load_snapshot,
    next_chapter,
    save_snapshot,
    week_start,
)
from companion.services.progress import ProgressService
from companion.xapi import statement

COURSE = "securite-chantier"
PARIS = timezone(timedelta(hours=1))


@pytest.fixture
def course(sample_content) -> CourseManifest:
    return parse_manifest(sample_content.courses[COURSE].manifest)


@pytest.fixture
def progress(tmp_path):
    service = ProgressService(tmp_path / "learner", "u-1001")
    yield service
    service.close()


def manifests(*known: CourseManifest):
    return {m.id: m for m in known}.get


def test_the_week_starts_on_monday_at_midnight_in_the_learners_time_zone():
    sunday_night = datetime(2026, 11, 29, 23, 30, tzinfo=PARIS)
    assert week_start(sunday_night) == datetime(2026, 11, 23, 0, 0, tzinfo=PARIS)
    monday = datetime(2026, 11, 30, 0, 5, tzinfo=PARIS)
    assert week_start(monday) == datetime(2026, 11, 30, 0, 0, tzinfo=PARIS)


def test_a_new_learner_has_no_course(progress):
    assert course_cards(progress, manifests(), {}) == []


def test_a_course_never_opened_here_is_named_from_the_catalogue(progress):
    progress.remember_courses(["numerique-debutant"], enrolled=True)
    (card,) = course_cards(progress, manifests(), {"numerique-debutant": "Le numérique"})
    assert card.title == "Le numérique"
    assert not card.outline_known
    assert card.next_chapter is None


def test_a_course_card_counts_this_weeks_study_and_resumes_the_chapter_read_last(progress, course):
    chapters = [c for p in course.parts for c in p.chapters]
    first, second = chapters[0], chapters[1]
    quiz_chapter = next(c for c in chapters if any(b.quiz for b in c.blocks))
    quiz = next(b.quiz for b in quiz_chapter.blocks if b.quiz)
    progress.remember_courses([COURSE], enrolled=True)
    progress.complete_chapter(COURSE, first, course)
    progress.submit(COURSE, quiz, {q.id: q.correct for q in quiz.questions}, course)
    now = datetime(2026, 11, 26, 15, 0, tzinfo=PARIS)  # a Thursday
    monday = week_start(now).timestamp()
    progress.record_study(COURSE, first, 600, course, started_at=monday + 3600)
    progress.record_study(COURSE, second, 300, course, started_at=monday + 7200)
    progress.record_study(COURSE, first, 900, course, started_at=monday - 60)  # last week
    progress.save_position(COURSE, second.id, 0.4)

    (card,) = course_cards(progress, manifests(course), {}, now=now)

    assert card.title == course.title
    assert (card.chapters_done, card.quizzes_passed) == (1, 1)
    assert (card.chapters, card.quizzes) == (4, 2)
    assert card.seconds_this_week == 900
    assert card.started
    assert (card.next_chapter, card.next_title) == (second.id, second.title)


def test_time_from_another_device_counts_whatever_the_way_it_writes_the_time(progress, course):
    """Another device may write its timestamps with another offset: compared as moments."""
    progress.remember_courses([COURSE], enrolled=False)
    now = datetime(2026, 11, 26, 15, 0, tzinfo=PARIS)

    def session(when: datetime, seconds: int) -> dict[str, Any]:
        made = statement(
            "experienced",
            f"{course_activity(course)}/x",
            "chapter",
            "x",
            course_activity=course_activity(course),
            course_name=course.title,
            result={"duration": f"PT{seconds}S"},
            when=when,
        )
        made["timestamp"] = when.isoformat()
        return made

    # Monday 00:30 in Paris is Sunday 23:30 UTC: this week, though "before" as text.
    inside = session(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), 120)
    inside["timestamp"] = "2026-11-22T23:30:00Z"
    outside = session(datetime(2026, 11, 22, 22, 30, tzinfo=UTC), 600)  # Sunday 23:30 Paris
    progress.merge_pulled([inside, outside], "1")
    (card,) = course_cards(progress, manifests(course), {}, now=now)
    assert card.seconds_this_week == 120


def test_a_course_not_started_begins_at_its_first_chapter(course):
    chapters = [c for p in course.parts for c in p.chapters]
    assert next_chapter(course, None) == chapters[0]


def test_the_course_read_last_comes_first(progress, course, sample_content):
    others = (c.manifest for k, c in sample_content.courses.items() if k != COURSE)
    other = parse_manifest(next(others))
    progress.remember_courses([COURSE], enrolled=True)
    progress.remember_courses([other.id], enrolled=True)  # added later: listed first...
    first = course.parts[0].chapters[0]
    progress.save_position(COURSE, first.id, 0.1)  # ...until the other one is read
    cards = course_cards(progress, manifests(course, other), {})
    assert [c.course_id for c in cards] == [COURSE, other.id]


# --- the cards kept for the next start (issue 14) ---------------------------------------

CARD = CourseCard(COURSE, "Sécurité", True, 1, 4, 0, 2, 900.0, "ch-2", "Chapitre 2", True)


def test_the_cards_shown_are_kept_for_the_next_start(tmp_path):
    now = datetime(2026, 11, 30, 9, 0, tzinfo=PARIS)
    save_snapshot(tmp_path, [CARD, CARD._replace(course_id="autre", next_chapter=None)], now)
    kept = tmp_path / SNAPSHOT_FILE
    assert kept.stat().st_mode & 0o777 == 0o600  # the learner's own, like their progress
    assert load_snapshot(tmp_path, now + timedelta(days=2)) == [
        CARD,
        CARD._replace(course_id="autre", next_chapter=None),
    ]
    written = kept.stat().st_mtime_ns
    save_snapshot(tmp_path, [CARD, CARD._replace(course_id="autre", next_chapter=None)], now)
    assert kept.stat().st_mtime_ns == written  # unchanged: not written again


def test_time_studied_in_an_earlier_week_is_not_shown_as_this_weeks(tmp_path):
    sunday = datetime(2026, 11, 29, 23, 0, tzinfo=PARIS)
    save_snapshot(tmp_path, [CARD], sunday)
    monday = sunday + timedelta(hours=2)
    assert load_snapshot(tmp_path, monday) == [CARD._replace(seconds_this_week=0.0)]


def copy_of(*cards: str) -> bytes:
    return b'{"version": 1, "week": "", "cards": [' + ", ".join(cards).encode() + b"]}"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"version": 2, "week": "", "cards": []}',
        b'{"version": 1, "week": "", "cards": {}}',
        copy_of('["c", "t"]'),  # too few fields
        copy_of('["c", "t", true, "1", 4, 0, 2, 0, null, "", true]'),  # a count as text
        copy_of('["c", "t", true, true, 4, 0, 2, 0, null, "", true]'),  # a count as true
        copy_of('["c", "t", 1, 1, 4, 0, 2, 0, null, "", true]'),  # a flag as a number
        copy_of('[{}, "t", true, 1, 4, 0, 2, 0, null, "", true]'),  # an id as an object
        b"[" * 100_000,
    ],
)
def test_a_damaged_or_strange_copy_is_not_shown(tmp_path, content):
    (tmp_path / SNAPSHOT_FILE).write_bytes(content)
    assert load_snapshot(tmp_path) is None


def test_no_copy_is_none(tmp_path):
    assert load_snapshot(tmp_path) is None


def test_a_courses_outline_gives_the_cards_its_whole_manifest_gives(progress, sample_content):
    """Issue 28: the home view reads each course's outline (a few hundred bytes kept beside
    the manifest), not the manifest; the cards are the same to the last figure."""
    from companion.services.course_outline import outline_from_json, outline_json

    now = datetime(2026, 11, 26, 15, 0, tzinfo=PARIS)
    courses = [parse_manifest(c.manifest) for c in sample_content.courses.values()]
    progress.remember_courses([c.id for c in courses], enrolled=True)
    for course in courses:
        chapters = [c for p in course.parts for c in p.chapters]
        progress.complete_chapter(course.id, chapters[0], course)
        quiz = next((b.quiz for c in chapters for b in c.blocks if b.quiz), None)
        if quiz is not None:
            progress.submit(course.id, quiz, {q.id: q.correct for q in quiz.questions}, course)
        progress.record_study(course.id, chapters[0], 600, course, started_at=now.timestamp())
    outlines = {c.id: outline_from_json(outline_json(c)) for c in courses}
    assert all(outlines.values())
    whole = course_cards(progress, manifests(*courses), {}, now=now)
    assert course_cards(progress, outlines.get, {}, now=now) == whole
    assert any(card.quizzes_passed for card in whole) and any(c.chapters_done for c in whole)
    whole_json = json.dumps(sample_content.courses[courses[0].id].manifest, ensure_ascii=False)
    assert len(outline_json(courses[0])) < len(whole_json) / 2


def test_an_outline_of_another_format_is_not_used():
    from companion.services.course_outline import outline_from_json

    assert outline_from_json(None) is None
    assert outline_from_json('{"v": 0, "id": "c"}') is None
    assert outline_from_json("not json") is None
    assert outline_from_json('{"v": 1}') is None


def test_the_time_studied_is_read_once_per_progress_file_not_per_course(progress, course):
    """Issue 28: ``studied_since`` (the whole week's sessions) ran for every card."""
    ids = [f"c{n}" for n in range(30)]
    progress.remember_courses(ids, enrolled=True)
    calls: list[datetime] = []
    read = progress.studied_since

    def counted(since: datetime) -> dict[str, float]:
        calls.append(since)
        return dict(read(since))

    progress.studied_since = counted
    assert len(course_cards(progress, manifests(), {})) == 30
    assert len(calls) == 1
