"""The download queue: one job at a time (each fetching files in parallel), by priority.

A chapter the learner wants to read now goes before whole courses; otherwise jobs run in
the order they were asked for. Events reach the UI through a callback (the bridge turns
them into signals); the queue itself knows nothing of Qt.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from companion.errors import Cancelled
from companion.jobs import Control
from companion.services.library import LibraryService
from companion.sync.client import PlatformUnreachable

log = logging.getLogger("companion.services")

CHAPTER_PRIORITY, COURSE_PRIORITY = 0, 1


class Job(NamedTuple):
    priority: int
    sequence: int
    course_id: str
    chapter_id: str | None
    allow_large: bool


class Event(NamedTuple):
    # "queued", "started", "progress", "finished", "failed", "cancelled", "withdrawn", "idle"
    kind: str
    job: Job | None
    data: Any = None  # (done, total) for progress, the report or the error otherwise


class DownloadQueue:
    def __init__(
        self, library: Callable[[], LibraryService], on_event: Callable[[Event], None]
    ) -> None:
        self.library = library  # called on the queue's thread: opening it is I/O
        self.on_event = on_event
        self._lock = threading.Lock()
        self._waiting: list[Job] = []
        self._sequence = itertools.count()
        self._worker: threading.Thread | None = None
        self.current: Job | None = None
        # Stopped by the connection (too slow, gone): resumed at the next start if the
        # learner has not resumed them by then (issue 24: "resumes later").
        self.interrupted: list[Job] = []
        self.control = Control.new()

    def enqueue(
        self, course_id: str, chapter_id: str | None = None, allow_large: bool = False
    ) -> Job:
        priority = CHAPTER_PRIORITY if chapter_id else COURSE_PRIORITY
        job = Job(priority, next(self._sequence), course_id, chapter_id, allow_large)
        with self._lock:
            if any(j[2:4] == job[2:4] for j in [*self._waiting, self.current] if j):
                return job  # already asked for: once is enough
            heapq.heappush(self._waiting, job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._run, name="download-queue", daemon=True
                )
                self._worker.start()
        self.on_event(Event("queued", job))
        return job

    def waiting(self) -> list[Job]:
        with self._lock:
            return sorted(self._waiting)

    def pause(self) -> None:
        self.control.resumed.clear()

    def resume(self) -> None:
        self.control.resumed.set()

    def cancel_current(self) -> None:
        self.control.cancelled.set()
        self.control.resumed.set()

    def withdraw(self, course_id: str, chapter_id: str | None) -> bool:
        """Take a waiting job out of the queue (the running one is cancelled instead)."""
        with self._lock:
            kept = [
                j for j in self._waiting if (j.course_id, j.chapter_id) != (course_id, chapter_id)
            ]
            withdrawn = len(kept) != len(self._waiting)
            self._waiting = kept
            heapq.heapify(self._waiting)
        if withdrawn:
            self.on_event(Event("withdrawn", Job(0, 0, course_id, chapter_id, False)))
        return withdrawn

    def cancel_all(self) -> None:
        with self._lock:
            withdrawn, self._waiting = self._waiting, []
        for job in sorted(withdrawn):
            self.on_event(Event("withdrawn", job))
        self.cancel_current()

    def stop(self) -> list[Job]:
        """At quit: the job under way is cancelled (what arrived is kept), nothing more
        starts; returns every job not finished, the running one first, to resume at the
        next start (``download_resume.save_unfinished``)."""
        with self._lock:
            current = [self.current] if self.current else []
            jobs = [*current, *sorted(self._waiting), *self.interrupted]
            self._waiting = []
        first: dict[tuple[str, str | None], Job] = {}
        for job in jobs:
            first.setdefault((job.course_id, job.chapter_id), job)
        self.cancel_current()
        return list(first.values())  # each course or chapter once, in order

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the queue's thread; True once it has ended."""
        worker = self._worker
        if worker is None:
            return True
        worker.join(max(0.0, timeout))
        return not worker.is_alive()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._waiting:
                    self.current = None
                    self._worker = None
                    break
                job = heapq.heappop(self._waiting)
                self.current = job
                paused = not self.control.resumed.is_set()
                self.control = Control.new()
                if paused:
                    self.control.resumed.clear()  # a pause holds across jobs
            self._run_job(job)
        self.on_event(Event("idle", None))

    def _run_job(self, job: Job) -> None:
        self.on_event(Event("started", job))
        try:
            report = self.library().download(
                job.course_id,
                self.control,
                lambda done, total: self.on_event(Event("progress", job, (done, total))),
                chapter_id=job.chapter_id,
                allow_large=job.allow_large,
            )
        except Cancelled:
            self.on_event(Event("cancelled", job))
        except Exception as error:  # reported to the learner; the queue goes on
            log.info("download of %s failed: %s", job.course_id, error)
            if isinstance(error, PlatformUnreachable):
                self.interrupted.append(job)
            self.on_event(Event("failed", job, error))
        else:
            self.interrupted = [j for j in self.interrupted if j[2:4] != job[2:4]]
            self.on_event(Event("finished", job, report))
