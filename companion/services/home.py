"""The learner's home: each of their courses with where they stand and where to go on.

Read from this computer only (the progress file and the saved outlines), so it is the same
with or without a connection. Everything comes from the progress service it is given: one
learner's own file (issue 9), never another learner's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from companion.domain import Chapter, CourseManifest, course_activity
from companion.files import read_json, write_atomic

if TYPE_CHECKING:  # the progress file is opened on a worker, not at start-up
    from companion.services.progress import CourseProgress, ProgressService


class CourseCard(NamedTuple):
    course_id: str
    title: str  # the outline's, else the catalogue's, else the id
    outline_known: bool  # False: never opened here, so nothing to count yet
    chapters_done: int
    chapters: int
    quizzes_passed: int
    quizzes: int
    seconds_this_week: float
    next_chapter: str | None  # the chapter "Resume" opens
    next_title: str
    started: bool  # a chapter was read: "Resume"; else "Start"


def week_start(now: datetime) -> datetime:
    """Monday 00:00 of ``now``'s week, in ``now``'s time zone (the week as learners and
    their employment counsellors count it)."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=now.weekday())


def next_chapter(manifest: CourseManifest, progress: CourseProgress | None) -> Chapter | None:
    """The chapter read last, else the first one not completed yet, else the first."""
    chapters = [c for p in manifest.parts for c in p.chapters]
    if not chapters:
        return None
    if progress is not None and progress.last_chapter:
        found = next((c for c in chapters if c.id == progress.last_chapter), None)
        if found is not None:
            return found
    done = progress.completed | progress.passed if progress else frozenset()
    for chapter in chapters:
        quiz = next((b.quiz for b in chapter.blocks if b.quiz is not None), None)
        if (quiz.id if quiz else chapter.id) not in done:
            return chapter
    return chapters[0]


def course_cards(
    progress: ProgressService,
    manifest: Callable[[str], CourseManifest | None],
    titles: Mapping[str, str],
    now: datetime | None = None,
    sites: Mapping[str, ProgressService] | None = None,
) -> list[CourseCard]:
    """The learner's courses, the one studied last first, then the newest added (``manifest``:
    a course's outline is enough, see ``LibraryService.outline``); with ``sites``, their site
    accounts' courses too, each read from its own account's progress (one space to learn)."""
    since = week_start(now or datetime.now().astimezone())
    sites = sites or {}
    course_ids = progress.my_courses() + [c for c in sites if c not in progress.my_courses()]
    last_read = {
        course: time
        for source in (progress, *{id(p): p for p in sites.values()}.values())
        for course, time in source.last_read_times().items()
    }
    order = sorted(course_ids, key=lambda c: -last_read.get(c, 0.0))  # a stable sort
    studied_by: dict[int, dict[str, float]] = {}  # once per progress file, not per course
    cards = []
    for course_id in order:
        mine = sites.get(course_id, progress)
        if id(mine) not in studied_by:
            studied_by[id(mine)] = mine.studied_since(since)
        studied = studied_by[id(mine)]
        known = manifest(course_id)
        title = (known.title if known else "") or titles.get(course_id) or course_id
        if known is None:
            cards.append(CourseCard(course_id, title, False, 0, 0, 0, 0, 0.0, None, "", False))
            continue
        state = mine.course_progress(known)
        chapter = next_chapter(known, state)
        cards.append(
            CourseCard(
                course_id,
                title,
                True,
                min(len(state.completed), state.chapters),  # a chapter of an older version
                state.chapters,
                min(len(state.passed), state.quizzes),
                state.quizzes,
                studied.get(course_activity(known), 0.0),
                chapter.id if chapter else None,
                chapter.title if chapter else "",
                state.last_chapter is not None,
            )
        )
    return cards


# --- what the learner saw last, shown again at once at the next start -------------------

SNAPSHOT_FILE = "home.json"  # beside the learner's progress file, in their own folder
SNAPSHOT_VERSION = 1
_FIELD_TYPES: tuple[tuple[type, ...], ...] = (
    (str,),  # course_id
    (str,),  # title
    (bool,),  # outline_known
    (int,),  # chapters_done
    (int,),  # chapters
    (int,),  # quizzes_passed
    (int,),  # quizzes
    (int, float),  # seconds_this_week
    (str, type(None)),  # next_chapter
    (str,),  # next_title
    (bool,),  # started
)


def save_snapshot(folder: Path, cards: list[CourseCard], now: datetime | None = None) -> None:
    """Keep the cards just shown, so that the next start paints them before the progress
    file is even opened (issue 14); they are read again from it right after. Written only
    when they changed."""
    payload = {
        "version": SNAPSHOT_VERSION,
        "week": week_start(now or datetime.now().astimezone()).isoformat(),
        "cards": [list(card) for card in cards],
    }
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    path = folder / SNAPSHOT_FILE
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass  # none yet, or unreadable: written anew
    write_atomic(path, data)


def load_snapshot(folder: Path, now: datetime | None = None) -> list[CourseCard] | None:
    """The cards kept by ``save_snapshot``, or None when there are none or they are not
    exactly what it writes. Time studied in another week than this one reads 0."""
    payload = read_json(folder / SNAPSHOT_FILE)
    if not isinstance(payload, dict) or payload.get("version") != SNAPSHOT_VERSION:
        return None
    rows = payload.get("cards")
    if not isinstance(rows, list) or not all(_is_card(row) for row in rows):
        return None
    cards = [CourseCard(*row) for row in rows]
    this_week = week_start(now or datetime.now().astimezone()).isoformat()
    if payload.get("week") != this_week:
        cards = [card._replace(seconds_this_week=0.0) for card in cards]
    return cards


def _is_card(row: Any) -> bool:
    if not isinstance(row, list) or len(row) != len(_FIELD_TYPES):
        return False
    for value, types in zip(row, _FIELD_TYPES, strict=True):
        if isinstance(value, bool) and bool not in types:
            return False  # True is an int to isinstance; never a count here
        if not isinstance(value, types):
            return False
    return True
