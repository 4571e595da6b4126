"""What the library shows, in words, without Qt: a chapter's state and progress, a
course's summary, a search hit. The controller reads; the view shows these."""

from __future__ import annotations

import html
from typing import NamedTuple

from companion.domain import Chapter, CourseManifest
from companion.i18n import _
from companion.services.library import (
    CLOSED,
    NOT_DOWNLOADED,
    OFFLINE,
    ON_THE_SITE,
    PARTIAL,
    UPDATE_AVAILABLE,
    SearchHit,
)
from companion.services.progress import CourseProgress

from companion.ui.words import progress_line


class Outline(NamedTuple):
    """One course as the library shows it, read on a worker."""

    manifest: CourseManifest | None  # None: never fetched, and offline
    states: dict[str, str]  # chapter id -> OFFLINE, NOT_DOWNLOADED...
    used: int  # bytes on this computer
    pinned: bool  # kept offline
    progress: CourseProgress | None


class ChapterProgress(NamedTuple):
    done: bool
    title: str  # "✓ title" when done: the mark is never the only sign
    status: str  # the progress column ("Best score: 80 %, passed")
    done_words: str  # for a screen reader: "completed" or "not completed"
    status_words: str  # the progress column, for a screen reader


def state_text(state: str) -> str:
    """A chapter's files in the learner's words: "Offline" read as a connection problem."""
    return {
        OFFLINE: _("Downloaded"),
        NOT_DOWNLOADED: _("To download"),
        UPDATE_AVAILABLE: _("Update available"),
        PARTIAL: _("Partly downloaded"),
        ON_THE_SITE: _("On the site (needs a connection)"),
        CLOSED: _("Not open yet"),
    }.get(state, _("Downloading…"))


def course_mark(state: str) -> str:
    """Before a course's title in the list: ✔ on this computer, ◐ partly."""
    return {OFFLINE: "✔ ", PARTIAL: "◐ "}.get(state, "")


def course_state_words(state: str) -> str:
    """What the mark says, for a screen reader (which read "✔" or "◐" or nothing)."""
    if state == OFFLINE:
        return _("on this computer")
    if state == PARTIAL:
        return _("partly on this computer")
    return _("not downloaded")


def progress_summary(progress: CourseProgress) -> str:
    return progress_line(
        len(progress.completed), progress.chapters, len(progress.passed), progress.quizzes
    )


def all_downloaded(manifest: CourseManifest | None, states: dict[str, str]) -> bool:
    chapters = chapters_of(manifest)
    here = (OFFLINE, ON_THE_SITE, CLOSED)  # nothing more to download for the last two
    return bool(chapters) and all(states.get(c.id) in here for c in chapters)


def chapters_of(manifest: CourseManifest | None) -> list[Chapter]:
    return [c for p in manifest.parts for c in p.chapters] if manifest else []


def chapter_progress(chapter: Chapter, progress: CourseProgress) -> ChapterProgress:
    """✓ and the words beside it: a chapter is done when read to its end, a chapter with
    a quiz when the quiz is passed."""
    quiz = next((b.quiz for b in chapter.blocks if b.quiz is not None), None)
    done = chapter.id in progress.completed if quiz is None else quiz.id in progress.passed
    if quiz is None:
        status = _("Completed") if done else ""
    elif quiz.id in progress.best_scores:
        best = round(progress.best_scores[quiz.id] * 100)
        status = (
            _("Best score: {score} %, passed")
            if done
            else _("Best score: {score} %, not passed yet")
        ).format(score=best)
    else:
        status = _("Not taken yet")
    description = _("completed") if done else _("not completed")
    return ChapterProgress(
        done,
        f"✓ {chapter.title}" if done else chapter.title,
        f"✓ {status}" if done else status,
        description,
        status or description,
    )


def hit_text(hit: SearchHit, course_title: str) -> tuple[str, str]:
    """The line of a search hit and its tooltip: which course first, as the same chapter
    title can be in two courses."""
    found = strip_marks(hit.snippet)
    return (
        f"{course_title} › {hit.chapter_title} — {found}",
        f"{course_title} › {hit.chapter_title}\n{found}",
    )


def first_mark(snippet: str) -> str:
    """The matched word as written in the chapter (accents included), for the reader."""
    start = snippet.find("<mark>")
    end = snippet.find("</mark>", start)
    return html.unescape(snippet[start + 6 : end]) if start >= 0 and end > start else ""


def strip_marks(snippet: str) -> str:
    return html.unescape(snippet.replace("<mark>", "«").replace("</mark>", "»"))
