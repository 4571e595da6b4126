"""Quizzes graded with explanations: each attempt is kept with its statements (the result,
and one "answered" per question) in one transaction. The only writer of ``quiz_attempts``."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from companion import xapi
from companion.domain import CourseManifest, Question, Quiz, fallback_activity
from companion.errors import UserFacingError
from companion.i18n import _
from companion.services.progress.completion import complete_course_if_done, course_context
from companion.services.progress.outbox import Outbox
from companion.store.db import Database


class QuestionResult(NamedTuple):
    question: Question
    chosen: frozenset[str]
    correct: bool


class QuizResult(NamedTuple):
    attempt_id: str
    score: float  # 0..1
    passed: bool
    questions: tuple[QuestionResult, ...]


class AttemptSummary(NamedTuple):
    best: float
    passed: bool


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


class Quizzes:
    def __init__(self, db: Database, outbox: Outbox, saved: Callable[[], None]) -> None:
        self.db = db
        self.outbox = outbox
        self._saved = saved

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
            **course_context(course),
            result=xapi.quiz_result(score, passed),
        )
        with self.db.write() as c:  # saved before the learner sees the result
            self.outbox.queue(c, made)
            for answered in _answers(quiz, results, course_id, course):
                self.outbox.queue(c, answered)
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
                complete_course_if_done(c, course, self.outbox)
        self._saved()
        return QuizResult(attempt_id, score, passed, results)

    def best_score(self, course_id: str, quiz_id: str) -> float | None:
        rows = self.db.read(
            "SELECT MAX(score) AS best FROM quiz_attempts WHERE course_id = ? AND quiz_id = ?",
            (course_id, quiz_id),
        )
        best = rows[0]["best"]
        return None if best is None else float(best)

    def attempts(self, course_id: str) -> dict[str, AttemptSummary]:
        """Per quiz of ``course_id`` tried on this computer: the best score, and whether
        any attempt passed."""
        rows = self.db.read(
            "SELECT quiz_id, MAX(score) AS best, MAX(passed) AS passed FROM quiz_attempts"
            " WHERE course_id = ? GROUP BY quiz_id",
            (course_id,),
        )
        return {
            row["quiz_id"]: AttemptSummary(float(row["best"]), bool(row["passed"])) for row in rows
        }

    @staticmethod
    def claim_rows(connection: sqlite3.Connection) -> None:
        """Every attempt of the attached ``claimed`` file (see claims.py)."""
        connection.execute(
            "INSERT OR IGNORE INTO main.quiz_attempts SELECT * FROM claimed.quiz_attempts"
        )


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
            **course_context(course),
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
