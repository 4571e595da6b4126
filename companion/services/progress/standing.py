"""Where the learner stands in one course, over every device (the merge rules), read from
the parts that own each kind of record. Writes nothing."""

from __future__ import annotations

from typing import NamedTuple

from companion.domain import CourseManifest, fallback_activity
from companion.services.progress.completion import Completions
from companion.services.progress.courses import CourseList
from companion.services.progress.facts import KnownStatements
from companion.services.progress.quiz import Quizzes


class CourseProgress(NamedTuple):
    """Where the learner stands in one course, over every device (the merge rules)."""

    completed: frozenset[str]  # chapter ids read to the end
    best_scores: dict[str, float]  # quiz id -> best score, 0..1
    passed: frozenset[str]  # quiz ids passed
    chapters: int  # chapters to read (quizzes apart)
    quizzes: int
    last_chapter: str | None  # the chapter read last, for "Resume"


def course_progress(
    course: CourseManifest,
    facts: KnownStatements,
    completions: Completions,
    quizzes: Quizzes,
    courses: CourseList,
) -> CourseProgress:
    """Chapters completed, best score and pass per quiz, and the chapter read last."""
    activities = _activities(course)
    completed = set(completions.completed_chapters(course.id))
    passed: set[str] = set()
    best: dict[str, float] = {}
    for row in facts.outcomes(activities):
        item_id, is_quiz = activities[row["object_id"]]
        if is_quiz:
            if row["verb"] == "passed":
                passed.add(item_id)
            if row["best"] is not None:
                best[item_id] = max(best.get(item_id, 0.0), float(row["best"]))
        elif row["verb"] == "completed":
            completed.add(item_id)
    for quiz_id, attempt in quizzes.attempts(course.id).items():
        best[quiz_id] = max(best.get(quiz_id, 0.0), attempt.best)
        if attempt.passed:
            passed.add(quiz_id)
    quiz_count = sum(is_quiz for _id, is_quiz in activities.values())
    return CourseProgress(
        frozenset(completed),
        best,
        frozenset(passed),
        len(activities) - quiz_count,
        quiz_count,
        courses.last_chapter(course.id),
    )


def _activities(course: CourseManifest) -> dict[str, tuple[str, bool]]:
    """Each chapter's activity -> (the chapter's id, or its quiz's, and whether a quiz)."""
    activities: dict[str, tuple[str, bool]] = {}
    for part in course.parts:
        for chapter in part.chapters:
            quiz = next((b.quiz for b in chapter.blocks if b.quiz is not None), None)
            if quiz is not None:
                activity = quiz.activity_id or fallback_activity(course.id, quiz.id)
                activities[activity] = (quiz.id, True)
            else:
                activity = chapter.activity_id or fallback_activity(course.id, chapter.id)
                activities[activity] = (chapter.id, False)
    return activities
