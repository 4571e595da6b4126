"""Shared by the sync tests and benchmarks: a fixed token and a filled outbox."""

from __future__ import annotations

from typing import Any

from companion import xapi
from companion.domain import Chapter, completion_requirements, parse_manifest
from companion.services.progress import ProgressService

HOME = "https://plateforme.sandbox.companion.test"


class StaticToken:
    """A real access token from the sandbox's provider, used without a signed-in session."""

    def __init__(self, value: str) -> None:
        self.value = value

    def bearer(self) -> str:
        return self.value

    def access_rejected(self, token: str) -> None:
        pass


def complete_chapters(service: ProgressService, n: int, first: int = 0) -> ProgressService:
    """Queue ``n`` chapter completions (one statement each) in ``service``'s outbox."""
    for i in range(first, first + n):
        activity = f"{HOME}/xapi/activities/courses/c/chapters/{i}"
        service.complete_chapter("c", Chapter(f"ch{i}", f"Chapitre {i}", (), activity))
    return service


def completing_statements(
    manifest: dict[str, Any], learner_id: str = "u-1001"
) -> list[dict[str, Any]]:
    """The statements that complete a sandbox course: every chapter read, every quiz passed."""
    needed = completion_requirements(parse_manifest(manifest))
    made = []
    for verb, activity in sorted(needed):
        result = xapi.quiz_result(1.0, True) if verb == "passed" else {"completion": True}
        kind = "quiz" if verb == "passed" else "chapter"
        statement = xapi.statement(verb, activity, kind, activity, result=result)
        made.append(xapi.with_actor(statement, learner_id, HOME))
    return made
