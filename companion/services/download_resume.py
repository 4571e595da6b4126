"""The downloads a quit interrupted, kept in a small file of the profile for the next
start (issue 24: quitting cancels the download under way; the queue resumes next time).
Small on purpose: read after the window's first paint, without the download stack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from companion.domain import is_course_id
from companion.files import read_json, write_json_atomic

if TYPE_CHECKING:
    from companion.services.downloads import Job


def save_unfinished(path: Path, jobs: list[Job]) -> None:
    """The downloads a quit interrupted, for the next start (a small file, written once)."""
    if not jobs:
        path.unlink(missing_ok=True)
        return
    write_json_atomic(path, [[job.course_id, job.chapter_id, job.allow_large] for job in jobs])


def take_unfinished(path: Path) -> list[tuple[str, str | None, bool]]:
    """The downloads to resume, once: the file is removed as it is read. A file that
    cannot be read resumes nothing (the learner can ask again)."""
    wanted = read_json(path)
    path.unlink(missing_ok=True)
    jobs = []
    for item in wanted if isinstance(wanted, list) else []:
        if isinstance(item, list) and len(item) == 3 and isinstance(item[0], str):
            chapter = item[1] if isinstance(item[1], str) else None
            if is_course_id(item[0]):
                jobs.append((item[0], chapter, item[2] is True))
    return jobs
