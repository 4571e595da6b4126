"""A site's quiz answered offline (Moodle's "allow offline attempts", as the Moodle App does
it): the attempt is started and its questions kept when the course is downloaded; the
learner answers without a connection; the answers wait here, in their account learner's
folder, and go to the site at the next sync, which grades them. Nothing is lost: an answer
leaves this folder only once the site has taken it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from companion.domain import Chapter, Choice, SiteAttempt, SiteGrade, SiteQuestion
from companion.errors import UserFacingError
from companion.files import private_folder, read_json, write_json_atomic
from companion.platform import Capability, Platform

log = logging.getLogger("companion.services")

FOLDER = "site-quizzes"


class SiteQuizzes:
    """One site account learner's offline quiz attempts."""

    def __init__(self, learner_folder: Path) -> None:
        self.folder = learner_folder / FOLDER

    def keep(self, attempt: SiteAttempt) -> None:
        """Kept at download: the attempt, its questions, no answer yet."""
        path = self._path(attempt.activity)
        if path.exists():
            return  # an attempt kept already (maybe answered): never replaced
        private_folder(self.folder)
        write_json_atomic(path, {"attempt": _attempt_json(attempt), "answers": None})

    def kept(self, activity: str) -> SiteAttempt | None:
        record = read_json(self._path(activity))
        try:
            return _attempt(record["attempt"]) if isinstance(record, dict) else None
        except (KeyError, TypeError, ValueError):
            log.warning("a kept quiz attempt is damaged and left out")
            return None

    def answer(self, activity: str, answers: dict[int, Any]) -> None:
        """The learner's answers, offline: they wait for the next sync."""
        record = read_json(self._path(activity))
        if not isinstance(record, dict):
            raise ValueError("no quiz attempt kept for this activity")
        record["answers"] = {str(slot): _plain(value) for slot, value in answers.items()}
        write_json_atomic(self._path(activity), record)

    def waiting(self) -> int:
        return sum(1 for record in self._records() if record.get("answers") is not None)

    def send(self, platform: Platform) -> list[SiteGrade]:
        """At a site's sync: every answered attempt to the site, each removed here only
        once the site took it (a failure keeps it for the next sync)."""
        if Capability.ONLINE_QUIZZES not in platform.capabilities:
            return []
        grades = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            record = read_json(path)
            if not isinstance(record, dict) or record.get("answers") is None:
                continue
            attempt = _attempt(record["attempt"])
            answers = {int(slot): _back(value) for slot, value in record["answers"].items()}
            grades.append(platform.finish_quiz(attempt, answers))
            path.unlink()
            log.info("an offline quiz attempt was sent and graded")
        return grades

    def _records(self) -> list[dict[str, Any]]:
        if not self.folder.is_dir():
            return []
        found = [read_json(path) for path in self.folder.glob("*.json")]
        return [record for record in found if isinstance(record, dict)]

    def _path(self, activity: str) -> Path:
        name = re.sub(r"[^0-9A-Za-z]+", "-", activity.split("://", 1)[-1]).strip("-")[:120]
        return self.folder / f"{name}.json"


def keep_for_offline(platform: Platform, store: SiteQuizzes, chapters: list[Chapter]) -> int:
    """At a download: the site's quizzes that may be answered offline are started and kept
    (a quiz the site cannot give now is left for online answering)."""
    kept = 0
    for block in (b for c in chapters for b in c.blocks if b.type == "site_quiz"):
        try:
            attempt = platform.quiz_attempt(block.url)
        except (UserFacingError, ValueError) as error:
            log.info("a quiz was not kept for offline answering: %s", error)
            continue
        if attempt.offline:
            store.keep(attempt)
            kept += 1
    return kept


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, set | frozenset) else value


def _back(value: Any) -> Any:
    return set(value) if isinstance(value, list) else value


def _attempt_json(attempt: SiteAttempt) -> dict[str, Any]:
    return {
        **attempt._asdict(),
        "questions": [
            {**q._asdict(), "choices": [c._asdict() for c in q.choices]} for q in attempt.questions
        ],
    }


def _attempt(data: dict[str, Any]) -> SiteAttempt:
    questions = tuple(
        SiteQuestion(
            slot=int(q["slot"]),
            kind=q["kind"],
            prompt=str(q["prompt"]),
            choices=tuple(Choice(str(c["id"]), str(c["text"])) for c in q["choices"]),
            field=str(q["field"]),
            hidden=tuple((str(n), str(v)) for n, v in q["hidden"]),
        )
        for q in data["questions"]
    )
    return SiteAttempt(
        int(data["id"]),
        str(data["quiz_name"]),
        questions,
        str(data["activity"]),
        bool(data["offline"]),
        float(data["out_of"]),
    )
