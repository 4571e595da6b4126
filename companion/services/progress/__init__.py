"""Progress on this computer: quizzes graded with explanations, chapters completed, time
studied, reading positions, the course list, and the outbox of xAPI statements. Each action
is committed with its statement in one transaction: the outbox never misses an action and
never holds one that did not happen.

Each table of a learner's progress file has one owner, its only writer (a test checks it):
``quiz`` (quiz_attempts), ``completion`` (chapter_completions, study_sessions), ``outbox``
(outbox), ``facts`` (known_statements), ``sync_state`` (sync_state), ``courses``
(my_courses, reading_positions); ``companion.services.certificates`` owns certificates.
``ProgressService`` (service.py) composes them for the front ends and the sync."""

from companion.services.progress.completion import MIN_STUDY_SECONDS
from companion.services.progress.facts import Fact
from companion.services.progress.quiz import QuestionResult, QuizResult, grade
from companion.services.progress.service import ProgressService
from companion.services.progress.standing import CourseProgress

__all__ = [
    "MIN_STUDY_SECONDS",
    "CourseProgress",
    "Fact",
    "ProgressService",
    "QuestionResult",
    "QuizResult",
    "grade",
]
