"""Quizzes graded on this computer, with explanations; every attempt saved at once."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from companion.domain import Question, Quiz
from companion.errors import UserFacingError
from companion.i18n import _
from companion.store import schema
from companion.store.db import Database, open_precious


class QuestionResult(NamedTuple):
    question: Question
    chosen: frozenset[str]
    correct: bool


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


class QuizService:
    def __init__(self, profile_dir: Path) -> None:
        self.db: Database = open_precious(profile_dir / "progress.db", schema.PROGRESS)

    def submit(
        self, course_id: str, quiz: Quiz, answers: Mapping[str, frozenset[str]]
    ) -> QuizResult:
        score, passed, results = grade(quiz, answers)
        attempt_id = str(uuid.uuid4())
        with self.db.write() as c:  # saved before the learner sees the result
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
        return QuizResult(attempt_id, score, passed, results)

    def best_score(self, course_id: str, quiz_id: str) -> float | None:
        rows = self.db.read(
            "SELECT MAX(score) AS best FROM quiz_attempts WHERE course_id = ? AND quiz_id = ?",
            (course_id, quiz_id),
        )
        best = rows[0]["best"]
        return None if best is None else float(best)

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
