"""The library's controller: reads the learner's courses, each course's outline, states
and storage on workers, runs the download queue, searches; says what it found with
signals. It touches no widget (the view, ``library_view.py``, shows what it says), as
``ReadingController`` does for the reader."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from companion.domain import CatalogEntry, CourseManifest
from companion.errors import UserFacingError
from companion.services.home import course_cards
from companion.services.progress import CourseProgress

from companion.ui.bridge import run_in_background
from companion.ui.qt import QObject, Signal
from companion.ui.views.library_model import Outline

if TYPE_CHECKING:
    from companion.services.downloads import DownloadQueue
    from companion.services.library import LibraryService, SearchHit
    from companion.services.progress import ProgressService


class QueueRelay(QObject):
    """Carries download-queue events from its thread to the GUI thread; progress at most
    ten times a second, so a fast download never floods the event loop."""

    arrived = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._last = 0.0

    def deliver(self, event: Any) -> None:  # called on the queue's thread
        if event.kind == "progress":
            done, total = event.data
            now = time.monotonic()
            if done < total and now - self._last < 0.1:
                return
            self._last = now
        self.arrived.emit(event)


class LibraryController(QObject):
    courses_listed = Signal(object, object)  # the learner's course ids, the one to select
    # {course id: state}, (bytes used, budget), {course id: (steps done, steps)}
    states_read = Signal(object, object, object)
    outline_read = Signal(object)  # an Outline of the course shown
    hits_found = Signal(object)  # list[SearchHit]
    queue_event = Signal(object)  # from the download queue: queued, started, progress...
    removed = Signal()  # a course's files were removed from this computer
    failed = Signal(object)  # an error, to say

    def __init__(
        self,
        library: Callable[[], LibraryService],
        progress: Callable[[], ProgressService],
        parent: QObject,
        progress_of: Callable[[str], ProgressService] | None = None,
    ) -> None:
        """``library`` and ``progress`` (whose progress is kept now; ``progress_of``: a
        course's, a site course's being its account's): the services, called on workers
        only."""
        super().__init__(parent)
        self.library = library
        self.progress = progress
        self.progress_of = progress_of or (lambda _course_id: progress())
        self._searches = 0  # the latest search asked; an older one is stale
        self.course_id: str | None = None  # the course shown
        self.manifest: CourseManifest | None = None  # its outline, once read
        self.course_progress: CourseProgress | None = None
        self.catalog: dict[str, CatalogEntry] = {}
        self.labels: dict[str, str] = {}  # names kept here: a site course's, with its site
        self.queue: DownloadQueue | None = None
        self.relay = QueueRelay()
        self.relay.arrived.connect(self.queue_event)
        self._courses_read = itertools.count(1)
        self._courses_lock = threading.Lock()
        self._courses_shown = 0

    def title_of(self, course_id: str) -> str:
        """A site course is named with its site; a platform course as its catalogue says,
        else as its outline kept here does, else by its id."""
        entry = self.catalog.get(course_id)
        label = self.labels.get(course_id)
        return (
            label
            if label and (entry is None or "·" in label)
            else (entry.title if entry else course_id)
        )

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None], local: bool) -> None:
        run_in_background(self, work, done, self.failed.emit, local=local)

    # --- the learner's courses --------------------------------------------------------

    def list_courses(self, select: str | None = None, *, from_progress: bool = False) -> None:
        """The learner's courses; ``from_progress``: as their progress has them (a course
        asked from the home view, before the library read them)."""
        library, progress = self.library, self.progress
        self._list(lambda: (progress() if from_progress else library()).my_courses(), select)

    def add_course(self, course_id: str) -> None:
        """From the catalogue: put the course in the learner's library and show it."""
        library = self.library

        def add() -> list[str]:
            library().add_course(course_id)
            return library().my_courses()

        self._list(add, select=course_id)

    def _list(self, load: Callable[[], list[str]], select: str | None) -> None:
        """Ask on a worker. Answers can come back out of order (three courses added quickly
        once showed only the first): each is stamped when it was read, and only a list read
        later than the one on screen replaces it."""

        library = self.library

        def read() -> tuple[int, list[str], dict[str, str]]:
            with self._courses_lock:  # read and stamp in one step: stamps follow the states
                stamp, course_ids = next(self._courses_read), load()
            return stamp, course_ids, library().course_labels(course_ids)

        def show(stamped: tuple[int, list[str], dict[str, str]]) -> None:
            stamp, course_ids, labels = stamped
            if stamp > self._courses_shown:
                self._courses_shown = stamp
                self.labels.update(labels)
                self.courses_listed.emit(course_ids, select)

        self._run(read, show, local=False)

    def read_states(self) -> None:
        library, progress, progress_of = self.library, self.progress, self.progress_of

        def load() -> tuple[dict[str, str], tuple[int, int], dict[str, tuple[int, int]]]:
            service = library()
            return (
                service.course_states(),
                service.usage(),
                steps_done(service, progress(), progress_of),
            )

        self._run(load, lambda loaded: self.states_read.emit(*loaded), local=True)

    # --- the course shown ---------------------------------------------------------------

    def read_outline(self) -> None:
        course_id, library, progress_of = self.course_id, self.library, self.progress_of
        if course_id is None:
            return

        def load() -> Outline:
            service = library()
            manifest = service.manifest(course_id)
            if manifest is None:
                try:
                    manifest = service.update_manifest(course_id)
                except UserFacingError:  # offline and never fetched: nothing to outline yet
                    manifest = None
            return Outline(
                manifest,
                service.chapter_states(course_id),
                service.storage().get(course_id, 0),
                service.is_pinned(course_id),
                None if manifest is None else progress_of(course_id).course_progress(manifest),
            )

        def show(outline: Outline) -> None:
            if course_id == self.course_id:  # the learner may have moved on meanwhile
                self.manifest, self.course_progress = outline.manifest, outline.progress
                self.outline_read.emit(outline)

        self._run(load, show, local=False)

    def pin(self, pinned: bool) -> None:
        course_id, library = self.course_id, self.library
        if course_id is not None:
            self._run(lambda: library().pin(course_id, pinned), lambda _r: None, local=True)

    def remove(self) -> None:
        course_id, library = self.course_id, self.library
        if course_id is not None:
            self._run(lambda: library().remove(course_id), lambda _r: self.removed.emit(), True)

    def search(self, text: str) -> None:
        """A search typed over by a newer one before its turn is not run, and its hits are
        not shown (issue 28: every keystroke ran a full search, 2.8 s queued at 100k)."""
        self._searches += 1
        mine, library = self._searches, self.library

        def latest() -> bool:
            return mine == self._searches

        def done(hits: list[SearchHit] | None) -> None:
            if hits is not None and latest():
                self.hits_found.emit(hits)

        self._run(lambda: library().search(text) if latest() else None, done, local=True)

    def cancel_search(self) -> None:
        self._searches += 1

    # --- downloads ----------------------------------------------------------------------

    def download(self, chapter_id: str | None = None, allow_large: bool = False) -> None:
        """Queue the course shown (or one of its chapters); chapters go first."""
        if self.course_id is not None:
            self.enqueue(self.course_id, chapter_id, allow_large)

    def enqueue(self, course_id: str, chapter_id: str | None, allow_large: bool) -> None:
        if self.queue is None:
            from companion.services.downloads import DownloadQueue

            self.queue = DownloadQueue(self.library, self.relay.deliver)
        self.queue.enqueue(course_id, chapter_id, allow_large)

    @property
    def downloading(self) -> bool:
        return self.queue is not None and self.queue.current is not None

    def drop_job(self, key: tuple[str, str | None], running: bool) -> None:
        if self.queue is None:
            return
        if running:
            self.queue.cancel_current()  # what was downloaded is kept for a later resume
        else:
            self.queue.withdraw(*key)

    def pause(self, paused: bool) -> None:
        if self.queue is not None:
            (self.queue.pause if paused else self.queue.resume)()

    def cancel_all(self) -> None:
        if self.queue is not None:
            self.queue.cancel_all()


def steps_done(
    library: LibraryService,
    progress: ProgressService,
    progress_of: Callable[[str], ProgressService],
) -> dict[str, tuple[int, int]]:
    """Each course's chapters done and quizzes passed, of how many, as the home view counts
    them (from the outlines kept here; a site course from its own account's progress)."""
    mine = set(progress.my_courses())
    others = {c: progress_of(c) for c in library.my_courses() if c not in mine}
    return {
        card.course_id: (card.chapters_done + card.quizzes_passed, card.chapters + card.quizzes)
        for card in course_cards(progress, library.outline, {}, sites=others)
        if card.outline_known
    }
