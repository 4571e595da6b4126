"""Progress on this computer: quizzes graded with explanations, chapters completed, reading
positions. Each action is committed with its xAPI statement in one transaction: the outbox
never misses an action and never holds one that did not happen."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypedDict

from companion import xapi
from companion.domain import (
    Chapter,
    CourseManifest,
    Question,
    Quiz,
    completion_requirements,
    course_activity,
    fallback_activity,
)
from companion.errors import UserFacingError
from companion.i18n import _
from companion.logs import REDACTOR
from companion.services.learners import PROGRESS_FILE
from companion.store import schema
from companion.store.db import Database, open_precious

log = logging.getLogger("companion.services")


class Fact(NamedTuple):
    verb: str
    object_id: str
    timestamp: str
    seconds: float | None
    course: str | None
    course_name: str | None


class QuestionResult(NamedTuple):
    question: Question
    chosen: frozenset[str]
    correct: bool


class CourseProgress(NamedTuple):
    """Where the learner stands in one course, over every device (the merge rules)."""

    completed: frozenset[str]  # chapter ids read to the end
    best_scores: dict[str, float]  # quiz id -> best score, 0..1
    passed: frozenset[str]  # quiz ids passed
    chapters: int  # chapters to read (quizzes apart)
    quizzes: int
    last_chapter: str | None  # the chapter read last, for "Resume"


class QuizResult(NamedTuple):
    attempt_id: str
    score: float  # 0..1
    passed: bool
    questions: tuple[QuestionResult, ...]


def grade(
    quiz: Quiz, answers: Mapping[str, frozenset[str]]
) -> tuple[float, bool, tuple[QuestionResult, ...]]:
    """All-or-nothing per question: a multiple-choice answer counts when exactly right."""
    results = []
    for question in quiz.questions:
        chosen = frozenset(answers.get(question.id, frozenset()))
        if question.kind == "single" and len(chosen) > 1:
            raise UserFacingError(_("Choose only one answer for this question."))
        results.append(QuestionResult(question, chosen, chosen == question.correct))
    score = sum(r.correct for r in results) / len(results) if results else 0.0
    return score, score >= quiz.pass_ratio, tuple(results)


MIN_STUDY_SECONDS = 10  # shorter visits (a chapter skimmed past) are not study time


# What a learner's progress file holds, table by table, for claiming and parking.
_OWNED_TABLES = (
    "reading_positions",
    "quiz_attempts",
    "outbox",
    "chapter_completions",
    "known_statements",
    "study_sessions",
    "my_courses",
)


class ProgressService:
    """One learner's progress: every row in its file is that learner's (issue 9).

    ``folder`` None keeps nothing: an in-memory store for studying on a kiosk without
    signing in. ``learner`` is the platform's subject of the owner, written beside each
    queued statement so the outbox can also be checked row by row; None for actions made
    on a profile where nobody has signed in yet (they wait to be claimed)."""

    def __init__(self, folder: Path | None, learner: str | None = None) -> None:
        self.folder = folder
        self.db: Database = (
            Database.in_memory(schema.PROGRESS)
            if folder is None
            else open_precious(folder / PROGRESS_FILE, schema.PROGRESS)
        )
        self.listeners: list[Callable[[], None]] = []  # told after each saved action
        self.learner = learner

    @property
    def keeps_progress(self) -> bool:
        return self.folder is not None

    def _saved(self) -> None:
        for listener in self.listeners:
            listener()

    def submit(
        self,
        course_id: str,
        quiz: Quiz,
        answers: Mapping[str, frozenset[str]],
        course: CourseManifest | None = None,
    ) -> QuizResult:
        score, passed, results = grade(quiz, answers)
        attempt_id = str(uuid.uuid4())
        made = xapi.statement(
            "passed" if passed else "failed",
            quiz.activity_id or fallback_activity(course_id, quiz.id),
            "quiz",
            quiz.title,
            **_course_context(course),
            result=xapi.quiz_result(score, passed),
        )
        with self.db.write() as c:  # saved before the learner sees the result
            _queue(c, made, self.learner)
            for answered in _answers(quiz, results, course_id, course):
                _queue(c, answered, self.learner)
            c.execute(
                "INSERT INTO quiz_attempts (id, course_id, quiz_id, score, passed, answers,"
                " taken_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    attempt_id,
                    course_id,
                    quiz.id,
                    score,
                    int(passed),
                    json.dumps({k: sorted(v) for k, v in answers.items()}),
                    time.time(),
                ),
            )
            if passed and course is not None:
                _complete_course_if_done(c, course, self.learner)
        self._saved()
        return QuizResult(attempt_id, score, passed, results)

    def open_chapter(
        self, course_id: str, chapter: Chapter, course: CourseManifest | None = None
    ) -> None:
        """The learner opened a chapter (xAPI "launched")."""
        made = xapi.statement(
            "launched",
            chapter.activity_id or fallback_activity(course_id, chapter.id),
            "chapter",
            chapter.title,
            **_course_context(course),
        )
        with self.db.write() as c:
            _queue(c, made, self.learner)
        self._saved()

    def best_score(self, course_id: str, quiz_id: str) -> float | None:
        rows = self.db.read(
            "SELECT MAX(score) AS best FROM quiz_attempts WHERE course_id = ? AND quiz_id = ?",
            (course_id, quiz_id),
        )
        best = rows[0]["best"]
        return None if best is None else float(best)

    def complete_chapter(
        self, course_id: str, chapter: Chapter, course: CourseManifest | None = None
    ) -> bool:
        """Record that the learner finished a chapter; False when it was already done."""
        with self.db.write() as c:
            added = c.execute(
                "INSERT OR IGNORE INTO chapter_completions VALUES (?, ?, ?)",
                (course_id, chapter.id, time.time()),
            ).rowcount
            if added:
                _queue(
                    c,
                    xapi.statement(
                        "completed",
                        chapter.activity_id or fallback_activity(course_id, chapter.id),
                        "chapter",
                        chapter.title,
                        **_course_context(course),
                        result={"completion": True},
                    ),
                    self.learner,
                )
            if course is not None:
                _complete_course_if_done(c, course, self.learner)
        if added:
            self._saved()
        return bool(added)

    def record_study(
        self,
        course_id: str,
        chapter: Chapter,
        seconds: float,
        course: CourseManifest | None = None,
        started_at: float | None = None,
    ) -> bool:
        """Keep one study session (time actually spent on a chapter); False if too short.

        Each session is its own statement, so time studied on several devices adds up
        and a session delivered twice still counts once."""
        if seconds < MIN_STUDY_SECONDS:
            return False
        started = time.time() - seconds if started_at is None else started_at
        made = xapi.statement(
            "experienced",
            chapter.activity_id or fallback_activity(course_id, chapter.id),
            "chapter",
            chapter.title,
            **_course_context(course),
            result={"duration": xapi.iso_duration(seconds)},
            when=datetime.fromtimestamp(started, UTC),
        )
        with self.db.write() as c:
            _queue(c, made, self.learner)
            c.execute(
                "INSERT INTO study_sessions VALUES (?, ?, ?, ?, ?)",
                (made["id"], course_id, chapter.id, started, seconds),
            )
        self._saved()
        return True

    def course_progress(self, course: CourseManifest) -> CourseProgress:
        """Chapters completed, best score and pass per quiz, and the chapter read last."""
        activities: dict[str, tuple[str, bool]] = {}  # activity -> (item id, is a quiz)
        for part in course.parts:
            for chapter in part.chapters:
                quiz = next((b.quiz for b in chapter.blocks if b.quiz is not None), None)
                if quiz is not None:
                    activity = quiz.activity_id or fallback_activity(course.id, quiz.id)
                    activities[activity] = (quiz.id, True)
                else:
                    activity = chapter.activity_id or fallback_activity(course.id, chapter.id)
                    activities[activity] = (chapter.id, False)
        rows = self.db.read(
            "SELECT object_id, verb, MAX(score) AS best FROM known_statements"
            " WHERE object_id IN (SELECT value FROM json_each(?))"
            " AND verb IN ('completed', 'passed', 'failed') GROUP BY object_id, verb",
            (json.dumps(sorted(activities)),),
        )
        completed = set(self.completed_chapters(course.id))
        passed: set[str] = set()
        best: dict[str, float] = {}
        for row in rows:
            item_id, is_quiz = activities[row["object_id"]]
            if is_quiz:
                if row["verb"] == "passed":
                    passed.add(item_id)
                if row["best"] is not None:
                    best[item_id] = max(best.get(item_id, 0.0), float(row["best"]))
            elif row["verb"] == "completed":
                completed.add(item_id)
        for attempt in self.db.read(
            "SELECT quiz_id, MAX(score) AS best, MAX(passed) AS passed FROM quiz_attempts"
            " WHERE course_id = ? GROUP BY quiz_id",
            (course.id,),
        ):
            quiz_id = attempt["quiz_id"]
            best[quiz_id] = max(best.get(quiz_id, 0.0), float(attempt["best"]))
            if attempt["passed"]:
                passed.add(quiz_id)
        last = self.db.read(
            "SELECT chapter_id FROM reading_positions WHERE course_id = ?"
            " ORDER BY updated_at DESC LIMIT 1",
            (course.id,),
        )
        quizzes = sum(is_quiz for _id, is_quiz in activities.values())
        return CourseProgress(
            frozenset(completed),
            best,
            frozenset(passed),
            len(activities) - quizzes,
            quizzes,
            str(last[0]["chapter_id"]) if last else None,
        )

    def completed_chapters(self, course_id: str) -> set[str]:
        rows = self.db.read(
            "SELECT chapter_id FROM chapter_completions WHERE course_id = ?", (course_id,)
        )
        return {row["chapter_id"] for row in rows}

    def pending_statements(self) -> list[dict[str, Any]]:
        rows = self.db.read("SELECT statement FROM outbox WHERE set_aside = 0 ORDER BY created_at")
        return [json.loads(row["statement"]) for row in rows]

    # --- the outbox, drained by the sync (companion/sync/outbox.py) ---------------------

    def take(self, limit: int, learner: str) -> list[tuple[str, dict[str, Any]]]:
        """The oldest statements ``learner`` may send: theirs, and those made while nobody
        was signed in (claimed by the first learner to sign in on this profile)."""
        rows = self.db.read(
            "SELECT id, statement FROM outbox WHERE set_aside = 0"
            " AND (learner IS NULL OR learner = ?) ORDER BY created_at, rowid LIMIT ?",
            (learner, limit),
        )
        return [(row["id"], json.loads(row["statement"])) for row in rows]

    def acknowledge(self, ids: list[str]) -> None:
        """The platform has the statements: only now do they leave the outbox."""
        with self.db.write() as c:
            c.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])

    def merge_pulled(self, statements: list[dict[str, Any]], cursor: str) -> int:
        """Statements from other devices, kept once each, with the cursor, atomically."""
        with self.db.write() as c:
            added = sum(_know_pulled(c, s) for s in statements)
            _set_state(c, "pull_cursor", cursor)
        return added

    def last_sync(self) -> float | None:
        rows = self.db.read("SELECT value FROM sync_state WHERE key = 'last_sync'")
        return float(rows[0]["value"]) if rows else None

    def note_sync(self, when: float) -> None:
        with self.db.write() as c:
            _set_state(c, "last_sync", repr(when))

    def pull_cursor(self) -> str:
        rows = self.db.read("SELECT value FROM sync_state WHERE key = 'pull_cursor'")
        return str(rows[0]["value"]) if rows else "0"

    def completed_activities(self) -> set[str]:
        """Chapters completed on any device: once one says so, it is so."""
        rows = self.db.read("SELECT object_id FROM known_statements WHERE verb = 'completed'")
        return {row[0] for row in rows}

    def best_scores(self) -> dict[str, float]:
        """Best score per quiz activity, over every device: the best one wins."""
        rows = self.db.read(
            "SELECT object_id, MAX(score) AS best FROM known_statements"
            " WHERE score IS NOT NULL GROUP BY object_id"
        )
        return {row["object_id"]: float(row["best"]) for row in rows}

    def time_studied(self) -> dict[str, float]:
        """Seconds studied per course activity, over every device: the sum of sessions."""
        rows = self.db.read(
            "SELECT course, SUM(seconds) AS total FROM known_statements"
            " WHERE verb = 'experienced' AND seconds IS NOT NULL AND course IS NOT NULL"
            " GROUP BY course"
        )
        return {row["course"]: float(row["total"]) for row in rows}

    def studied_since(self, since: datetime) -> dict[str, float]:
        """Seconds studied per course activity in sessions begun at ``since`` or later,
        over every device. Timestamps are compared as moments, not as text: another
        device may write them with another offset or precision."""
        rows = self.db.read(
            "SELECT course, timestamp, seconds FROM known_statements"
            " WHERE verb = 'experienced' AND seconds IS NOT NULL AND course IS NOT NULL"
        )
        totals: dict[str, float] = {}
        for row in rows:
            begun = _moment(str(row["timestamp"]))
            if begun is not None and begun >= since:
                totals[row["course"]] = totals.get(row["course"], 0.0) + float(row["seconds"])
        return totals

    def last_read_times(self) -> dict[str, float]:
        """When a chapter of each course was last opened here (for the courses' order)."""
        rows = self.db.read(
            "SELECT course_id, MAX(updated_at) AS last FROM reading_positions GROUP BY course_id"
        )
        return {row["course_id"]: float(row["last"]) for row in rows}

    def facts_for_report(self) -> list[Fact]:
        """Study sessions and completions (every device), for the training-time report."""
        rows = self.db.read(
            "SELECT verb, object_id, timestamp, seconds, course, course_name"
            " FROM known_statements WHERE verb IN ('experienced', 'completed')"
            " ORDER BY timestamp"
        )
        return [Fact(*row) for row in rows]

    def set_aside(self, statement_id: str, reason: str) -> None:
        """The platform refused it as invalid: kept for diagnostics, no longer progress."""
        with self.db.write() as c:
            c.execute("DELETE FROM known_statements WHERE id = ?", (statement_id,))
            c.execute(
                "UPDATE outbox SET set_aside = 1, last_error = ? WHERE id = ?",
                (_storable(reason), statement_id),
            )

    def note_failure(self, ids: list[str], reason: str) -> None:
        with self.db.write() as c:
            c.executemany(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(_storable(reason), i) for i in ids],
            )

    def set_aside_statements(self) -> list[tuple[str, str]]:
        """Statements the platform refused as invalid, with why: for diagnostics."""
        rows = self.db.read("SELECT id, last_error FROM outbox WHERE set_aside = 1")
        return [(row["id"], row["last_error"] or "") for row in rows]

    def pending_count(self) -> int:
        """Actions waiting to be sent (every row here is this learner's); also what a
        learner is asked to claim from the actions made before anyone signed in."""
        return int(self.db.read("SELECT COUNT(*) FROM outbox WHERE set_aside = 0")[0][0])

    # --- the learner's course list -------------------------------------------------------

    def my_courses(self) -> list[str]:
        rows = self.db.read("SELECT course_id FROM my_courses ORDER BY added_at DESC")
        return [row["course_id"] for row in rows]

    def is_enrolled(self, course_id: str) -> bool:
        rows = self.db.read("SELECT enrolled FROM my_courses WHERE course_id = ?", (course_id,))
        return bool(rows and rows[0]["enrolled"])

    def remember_courses(self, course_ids: list[str], enrolled: bool) -> None:
        with self.db.write() as c:
            c.executemany(
                "INSERT INTO my_courses (course_id, enrolled, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (course_id) DO UPDATE SET "
                "enrolled = MAX(enrolled, excluded.enrolled)",
                [(course_id, int(enrolled), time.time()) for course_id in course_ids],
            )

    # --- claiming and parking (shared computers) -----------------------------------------

    def claim(self, other: ProgressService) -> int:
        """Take every row of ``other`` (actions made before anyone signed in) as this
        learner's. Idempotent: rows are keyed by id, so a claim cut short is done again."""
        source = other.db.path
        with self.db.lock():
            c = self.db.connection
            c.execute("ATTACH DATABASE ? AS claimed", (str(source),))
            try:
                c.execute("BEGIN IMMEDIATE")
                try:
                    for table in _OWNED_TABLES:
                        c.execute(
                            f"INSERT OR IGNORE INTO main.{table} SELECT * FROM claimed.{table}"  # noqa: S608 - names are constants
                        )
                    claimed = c.execute(
                        "UPDATE main.outbox SET learner = ? WHERE learner IS NULL", (self.learner,)
                    ).rowcount
                except BaseException:
                    c.execute("ROLLBACK")
                    raise
                c.execute("COMMIT")
            finally:
                c.execute("DETACH DATABASE claimed")
        self._saved()
        return claimed

    def pending_rows(self) -> list[tuple[str, str, float]]:
        """The queued statements as stored (id, JSON, when), to be parked on a kiosk."""
        rows = self.db.read(
            "SELECT id, statement, created_at FROM outbox WHERE set_aside = 0"
            " ORDER BY created_at, rowid"
        )
        return [(row["id"], row["statement"], float(row["created_at"])) for row in rows]

    def requeue(self, rows: list[tuple[str, str, float]]) -> int:
        """Statements parked at an earlier sign-out, queued again (each id once)."""
        added = 0
        with self.db.write() as c:
            for statement_id, statement, created_at in rows:
                added += c.execute(
                    "INSERT OR IGNORE INTO outbox (id, statement, created_at, learner)"
                    " VALUES (?, ?, ?, ?)",
                    (statement_id, statement, created_at, self.learner),
                ).rowcount
                _know(c, json.loads(statement))
        if added:
            self._saved()
        return added

    def save_position(self, course_id: str, chapter_id: str, position: float) -> None:
        with self.db.write() as c:
            c.execute(
                "INSERT INTO reading_positions VALUES (?, ?, ?, ?) ON CONFLICT "
                "(course_id, chapter_id) DO UPDATE SET position = excluded.position, "
                "updated_at = excluded.updated_at",
                (course_id, chapter_id, position, time.time()),
            )

    def position(self, course_id: str, chapter_id: str) -> float:
        rows = self.db.read(
            "SELECT position FROM reading_positions WHERE course_id = ? AND chapter_id = ?",
            (course_id, chapter_id),
        )
        return float(rows[0]["position"]) if rows else 0.0

    def close(self) -> None:
        self.db.close()


def _queue(connection: Any, made: dict[str, Any], learner: str | None) -> None:
    """An action's statement: a fact at once (progress shows it), and queued to be sent."""
    connection.execute(
        "INSERT INTO outbox (id, statement, created_at, learner) VALUES (?, ?, ?, ?)",
        (made["id"], json.dumps(made, ensure_ascii=False), time.time(), learner),
    )
    _know(connection, made)


def _answers(
    quiz: Quiz,
    results: tuple[QuestionResult, ...],
    course_id: str,
    course: CourseManifest | None,
) -> list[dict[str, Any]]:
    """One "answered" statement per question: the choices made and whether they were right."""
    quiz_activity = quiz.activity_id or fallback_activity(course_id, quiz.id)
    made = []
    for result in results:
        question = result.question
        statement = xapi.statement(
            "answered",
            f"{quiz_activity}/questions/{question.id}",
            "question",
            question.prompt,
            **_course_context(course),
            result={"response": "[,]".join(sorted(result.chosen)), "success": result.correct},
        )
        statement["object"]["definition"].update(
            {
                "interactionType": "choice",
                "correctResponsesPattern": ["[,]".join(sorted(question.correct))],
                "choices": [
                    {"id": choice.id, "description": {"fr-FR": choice.text}}
                    for choice in question.choices
                ],
            }
        )
        made.append(statement)
    return made


def _set_state(connection: Any, key: str, value: str) -> None:
    connection.execute(
        "INSERT INTO sync_state VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


class _CourseContext(TypedDict, total=False):
    course_activity: str
    course_name: str


def _course_context(course: CourseManifest | None) -> _CourseContext:
    if course is None:
        return {}
    return {
        "course_activity": course_activity(course),
        "course_name": course.title,
    }


def _complete_course_if_done(connection: Any, course: CourseManifest, learner: str | None) -> None:
    """Queue "course completed" once, in the transaction of the action that completed it."""
    activity = course_activity(course)
    needed = completion_requirements(course)
    if not needed:
        return
    # Only this course's activities: the learner's other statements are not read.
    objects = json.dumps(sorted({activity, *(object_id for _verb, object_id in needed)}))
    known = {
        (row[0], row[1])
        for row in connection.execute(
            "SELECT DISTINCT verb, object_id FROM known_statements"
            " WHERE object_id IN (SELECT value FROM json_each(?))"
            " AND verb IN ('completed', 'passed')",
            (objects,),
        )
    }
    if not needed <= known or ("completed", activity) in known:
        return
    done = {"completion": True}
    made = xapi.statement("completed", activity, "course", course.title, result=done)
    _queue(connection, made, learner)


def _moment(timestamp: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _storable(reason: str) -> str:
    """A reason as it may be kept in progress.db (and shown, and bundled for support):
    a platform's refusal can quote the token it refused, so secrets go first."""
    return REDACTOR.redact(reason)[:2000]


def _know_pulled(connection: Any, statement: dict[str, Any]) -> int:
    """``_know`` for a statement from a store: one that cannot be read is left out (the
    sync checked it already; this is the last guard), never the whole merge."""
    try:
        return _know(connection, statement)
    except (KeyError, TypeError, ValueError, AttributeError, sqlite3.Error) as error:
        log.warning("pulled statement left out: %s", type(error).__name__)
        return 0


def _know(connection: Any, statement: dict[str, Any]) -> int:
    """Remember a statement as a fact; returns 1 if it was new."""
    result = statement.get("result") or {}
    score = (result.get("score") or {}).get("scaled")
    course, course_name = xapi.course_of(statement)
    return int(
        connection.execute(
            "INSERT OR IGNORE INTO known_statements (id, verb, object_id, score, success,"
            " timestamp, seconds, course, course_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                statement["id"],
                str(statement["verb"]["id"]).rsplit("/", 1)[-1],
                statement["object"]["id"],
                score,
                None if "success" not in result else int(bool(result["success"])),
                statement.get("timestamp", ""),
                xapi.duration_seconds(result.get("duration")),
                course,
                course_name,
            ),
        ).rowcount
    )
