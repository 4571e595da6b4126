"""Shared by the sync tests and benchmarks: a fixed token and a filled outbox."""

from __future__ import annotations

from companion.domain import Chapter
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


def complete_chapters(service: ProgressService, n: int) -> ProgressService:
    """Queue ``n`` chapter completions (one statement each) in ``service``'s outbox."""
    for i in range(n):
        activity = f"{HOME}/xapi/activities/courses/c/chapters/{i}"
        service.complete_chapter("c", Chapter(f"ch{i}", f"Chapitre {i}", (), activity))
    return service
