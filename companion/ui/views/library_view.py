"""The offline library: courses, their outline with each chapter's state, downloads with
progress, storage, search, and the reader."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion import formatting
from companion.domain import CatalogEntry, Chapter, CourseManifest
from companion.errors import UserFacingError, describe
from companion.i18n import _, ngettext
from companion.services.home import next_chapter
from companion.services.library import (
    NOT_DOWNLOADED,
    OFFLINE,
    PARTIAL,
    UPDATE_AVAILABLE,
    SearchHit,
)
from companion.services.progress import CourseProgress

from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub

if TYPE_CHECKING:
    from companion.services.downloads import DownloadQueue
    from companion.services.library import LibraryService
    from companion.services.progress import ProgressService
from companion.ui.qt import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    QPushButton,
    QSplitter,
    QStackedWidget,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
    plain_tooltip,
)
from companion.ui.views.reader_view import ReaderView
from companion.ui.views.reading import ReadingController
from companion.ui.views.study_tracker import StudyTracker
from companion.ui.widgets.banner import MessageBanner
from companion.ui.widgets.downloads_panel import DownloadsPanel
from companion.ui.widgets.focus import focus_inside
from companion.ui.words import progress_line

IdRole = Qt.ItemDataRole.UserRole + 2
TitleRole = Qt.ItemDataRole.UserRole + 3


def state_text(state: str) -> str:
    """A chapter's files in the learner's words: "Offline" read as a connection problem."""
    return {
        OFFLINE: _("Downloaded"),
        NOT_DOWNLOADED: _("To download"),
        UPDATE_AVAILABLE: _("Update available"),
        PARTIAL: _("Partly downloaded"),
    }.get(state, _("Downloading…"))


def progress_summary(progress: CourseProgress) -> str:
    return progress_line(
        len(progress.completed), progress.chapters, len(progress.passed), progress.quizzes
    )


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


class LibraryView(QWidget):
    changed = Signal()  # a download, removal or manifest refresh finished; tests wait on it

    def __init__(
        self,
        events: EventHub,
        library: Callable[[], LibraryService],
        progress: Callable[[], ProgressService],
        open_dir: Path,
    ) -> None:
        """``library`` and ``progress``: the services, called on workers only;
        ``open_dir``: where a copy of a file to open is put."""
        super().__init__()
        self.library = library
        self.learner_progress = progress
        self.course_id: str | None = None
        self._last_read: str | None = None  # the outline's current item once back
        self._to_open: tuple[str, str | None] | None = None  # asked from the home view
        self.manifest: CourseManifest | None = None
        self.progress: CourseProgress | None = None
        self.queue: DownloadQueue | None = None
        self.relay = QueueRelay()
        self.relay.arrived.connect(self._on_queue_event)
        self.banner = MessageBanner()
        self.banner.action_requested.connect(self._banner_action)
        self._failed_job: Any = None  # the download the banner offers to resume
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self.results = QListWidget()
        self.results.hide()
        self.results.itemActivated.connect(self._open_hit)
        self.courses = QListWidget()
        self.courses.currentItemChanged.connect(self._course_selected)
        self.outline = QTreeWidget()
        self.outline.setColumnCount(3)
        self.outline.itemActivated.connect(self._open_item)
        self.outline.currentItemChanged.connect(lambda *_: self._offer_chapter_download())
        self._chapter_states: dict[str, str] = {}
        self._build_controls()
        self.reader = ReaderView()
        self.reading = ReadingController(
            library,
            progress,
            open_dir,
            self.reader,
            self.banner,
            lambda: self.manifest,
            self._failed,
            self,
        )
        self.reading.shown.connect(self._reader_shown)
        self.reading.closed.connect(self._outline_shown)
        self.pages = QStackedWidget()
        self._page = self._library_page()
        self.pages.addWidget(self._page)
        self.pages.addWidget(self.reader)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        self._courses_read = itertools.count(1)
        self._courses_lock = threading.Lock()
        self._courses_shown = 0
        self.retranslate()
        events.learner_changed.connect(self.learner_changed)
        events.courses_known.connect(self.set_courses)

    # --- layout --------------------------------------------------------------------------

    def _build_controls(self) -> None:
        self.download_course = QPushButton()
        self.download_course.setObjectName("PrimaryButton")
        self.download_course.clicked.connect(lambda: self.start_download())
        self.read_course = QPushButton()  # "Resume" or "Start": the chapter to read next
        self.read_course.clicked.connect(self.resume_reading)
        self.download_chapter = QPushButton()
        self.download_chapter.clicked.connect(self._download_selected_chapter)
        self.pause = QPushButton()
        self.pause.setCheckable(True)
        self.pause.toggled.connect(self._pause_toggled)
        self.cancel = QPushButton()  # everything: the running job and those waiting
        self.cancel.clicked.connect(self._cancel_download)
        self.pin = QCheckBox()
        self.pin.toggled.connect(self._pin_toggled)
        self.remove = QPushButton()
        self.remove.clicked.connect(self._remove)
        self.downloads = DownloadsPanel(self._title_of, self._remove_job)
        self.storage = QLabel()
        self.empty_hint = QLabel()
        self.empty_hint.setWordWrap(True)
        self.empty_hint.hide()
        self._catalog: dict[str, CatalogEntry] = {}
        self.usage = QLabel()
        self.usage.setObjectName("ViewSubtitle")
        self.storage_button = QPushButton()
        self.storage_button.clicked.connect(self.show_storage)
        self.storage_dialog: Any = None
        for widget in (self.pause, self.cancel):
            widget.hide()

    def _library_page(self) -> QWidget:
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        self.course_title = QLabel()
        self.course_title.setObjectName("SectionTitle")
        column.addWidget(self.course_title)
        self.course_progress = QLabel()
        self.course_progress.setObjectName("ViewSubtitle")
        column.addWidget(self.course_progress)
        column.addWidget(self.outline, 1)
        row = QHBoxLayout()
        for widget in (
            self.read_course,
            self.download_course,
            self.download_chapter,
            self.pause,
            self.cancel,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.downloads)
        storage_row = QHBoxLayout()
        storage_row.addWidget(self.pin)
        storage_row.addWidget(self.storage, 1)
        storage_row.addWidget(self.remove)
        column.addLayout(storage_row)
        splitter = QSplitter()
        splitter.addWidget(self.courses)
        splitter.addWidget(right)
        splitter.setSizes([280, 600])
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.search)
        usage_row = QHBoxLayout()
        usage_row.addWidget(self.usage, 1)
        usage_row.addWidget(self.storage_button)
        outer.addLayout(usage_row)
        outer.addWidget(self.empty_hint)
        outer.addWidget(self.results)
        outer.addWidget(splitter, 1)
        return page

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Search the downloaded courses…"))
        self.search.setAccessibleName(_("Search the downloaded courses"))
        self.results.setAccessibleName(_("Search results"))
        self.results.setAccessibleDescription(_("Enter opens the chapter found."))
        self.courses.setAccessibleName(_("My courses"))
        self.outline.setAccessibleName(_("Course outline"))
        self.outline.setAccessibleDescription(
            _("Each chapter, whether it is on this computer, and your progress. Enter opens it.")
        )
        self.storage_button.setText(_("Manage storage…"))
        self.empty_hint.setText(
            _("Your library is empty: double-click a course in the Catalogue to add it.")
        )
        self.outline.setHeaderLabels([_("Chapter"), _("On this computer"), _("Your progress")])
        self.download_chapter.setText(_("Download this chapter"))
        self.pause.setText(_("Pause"))
        self.cancel.setText(_("Cancel all"))
        self.downloads.retranslate()
        self.pin.setText(_("Keep offline"))
        self.remove.setText(_("Remove from this computer"))
        self.reader.retranslate()
        if self.course_id is not None:
            self._refresh_outline()
        else:
            self._show_primary_action(None, {}, None)

    # --- courses -------------------------------------------------------------------------

    def set_courses(self, courses: list[CatalogEntry]) -> None:
        """The catalogue is known: show the learner's own courses from it."""
        self._catalog = {course.id: course for course in courses}
        self._load_my_courses(lambda: self.library().my_courses())

    def learner_changed(self) -> None:
        """Progress changed hands (a sign-in, or a kiosk session ended): nothing of the
        previous learner stays on screen — the open chapter, the search, the course list."""
        if self.reading.current is not None:
            self.reading.abandon()
        self._to_open = None
        self.search.clear()
        self.results.clear()
        self.results.hide()
        self._load_my_courses(lambda: self.library().my_courses())

    def _load_my_courses(self, load: Callable[[], list[str]], select: str | None = None) -> None:
        """Ask on a worker. Answers can come back out of order (three courses added quickly
        once showed only the first): each is stamped when it was read, and only a list read
        later than the one on screen replaces it."""

        def read() -> tuple[int, list[str]]:
            with self._courses_lock:  # read and stamp in one step: stamps follow the states
                return next(self._courses_read), load()

        def show(stamped: tuple[int, list[str]]) -> None:
            stamp, course_ids = stamped
            if stamp > self._courses_shown:
                self._courses_shown = stamp
                self._show_my_courses(course_ids, select)

        run_in_background(self, read, show, self._failed)

    def _show_my_courses(self, course_ids: list[str], select: str | None = None) -> None:
        current = select or (self._to_open[0] if self._to_open else None) or self.course_id
        self.courses.blockSignals(True)
        self.courses.clear()
        for course_id in course_ids:
            entry = self._catalog.get(course_id)
            title = entry.title if entry else course_id
            item = QListWidgetItem(title)
            item.setData(IdRole, course_id)
            item.setData(TitleRole, title)
            self.courses.addItem(item)
        self.courses.blockSignals(False)
        self.empty_hint.setVisible(not course_ids)
        wanted = current if current in course_ids else (course_ids[0] if course_ids else None)
        self.course_id = None
        if wanted is not None:
            self.select_course(wanted)
        self._refresh_course_states()

    def _refresh_course_states(self) -> None:
        def load() -> tuple[dict[str, str], tuple[int, int]]:
            library = self.library()
            return library.course_states(), library.usage()

        run_in_background(self, load, self._show_course_states, self._failed, local=True)

    def _show_course_states(self, loaded: tuple[dict[str, str], tuple[int, int]]) -> None:
        states, (used, budget) = loaded
        marks = {OFFLINE: "✔ ", PARTIAL: "◐ "}
        for row in range(self.courses.count()):
            item = self.courses.item(row)
            state = states.get(str(item.data(IdRole)), "")
            item.setText(marks.get(state, "") + str(item.data(TitleRole)))
            item.setToolTip(state_text(state) if state else state_text(NOT_DOWNLOADED))
        self.usage.setText(
            _("Course files use {used} of {budget}").format(
                used=formatting.size(used), budget=formatting.size(budget)
            )
        )

    def select_course(self, course_id: str) -> bool:
        for row in range(self.courses.count()):
            item = self.courses.item(row)
            if item.data(IdRole) == course_id:
                self.courses.setCurrentItem(item)
                return True
        return False

    def add_course(self, course_id: str) -> None:
        """From the catalogue: put the course in the learner's library and show it."""

        def add() -> list[str]:
            library = self.library()
            library.add_course(course_id)
            return library.my_courses()

        self._load_my_courses(add, select=course_id)

    def open_course(self, course_id: str, chapter_id: str | None = None) -> None:
        """From the home view: show the course, and open ``chapter_id`` in the reader once
        its outline is loaded (the reader records study time against that course)."""
        if self.reading.current is not None and self.reading.current[0] != course_id:
            self.reading.close()
        loaded = self.manifest is not None and self.manifest.id == course_id
        if self.course_id == course_id and loaded:
            if chapter_id is not None:
                self.open_chapter(course_id, chapter_id)
            return
        self._to_open = (course_id, chapter_id)
        if self.course_id != course_id and not self.select_course(course_id):
            # Not listed yet (the library was just built, or the catalogue never came).
            self._load_my_courses(lambda: self.learner_progress().my_courses(), course_id)

    def _open_asked_chapter(self) -> None:
        asked, self._to_open = self._to_open, None
        if asked is not None and asked[1] is not None and asked[0] == self.course_id:
            self.open_chapter(asked[0], asked[1])

    def _course_selected(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        self.course_id = str(item.data(IdRole))
        self.course_title.setText(item.text())
        self._refresh_outline()

    def _refresh_outline(self) -> None:
        course_id = self.course_id
        if course_id is None:
            return

        def load() -> Outline:
            library = self.library()
            manifest = library.manifest(course_id)
            if manifest is None:
                try:
                    manifest = library.update_manifest(course_id)
                except UserFacingError:  # offline and never fetched: nothing to outline yet
                    manifest = None
            return (
                manifest,
                library.chapter_states(course_id),
                library.storage().get(course_id, 0),
                library.is_pinned(course_id),
                None if manifest is None else self.learner_progress().course_progress(manifest),
            )

        def show(loaded: Outline) -> None:
            if course_id == self.course_id:  # the learner may have moved on meanwhile
                self._show_outline(loaded)

        run_in_background(self, load, show, self._failed)

    def _show_outline(self, loaded: Outline) -> None:
        manifest, states, used, pinned, progress = loaded
        self.manifest = manifest
        self.progress = progress
        self.outline.clear()
        if manifest is None or progress is None:
            self.course_progress.clear()
            self._show_primary_action(None, {}, None)
            self.storage.setText(_("Connect once to see this course's outline."))
            self.changed.emit()
            return
        for part in manifest.parts:
            part_item = QTreeWidgetItem([part.title, "", ""])
            self.outline.addTopLevelItem(part_item)
            for chapter in part.chapters:
                child = QTreeWidgetItem(
                    ["", state_text(states.get(chapter.id, NOT_DOWNLOADED)), ""]
                )
                _show_chapter_progress(child, chapter, progress)
                child.setData(0, IdRole, chapter.id)
                part_item.addChild(child)
            part_item.setExpanded(True)
        self._chapter_states = dict(states)
        self._select_last_read()
        self.course_progress.setText(progress_summary(progress))
        self._show_primary_action(manifest, states, progress)
        self._offer_chapter_download()
        self._fit_outline_columns()
        self.pin.blockSignals(True)
        self.pin.setChecked(pinned)
        self.pin.blockSignals(False)
        self.storage.setText(_("Uses {size} on this computer").format(size=formatting.size(used)))
        if self._to_open is not None and self._to_open[0] == manifest.id:
            self._open_asked_chapter()
        self.changed.emit()

    def _offer_chapter_download(self) -> None:
        """ "Download this chapter" only for a chapter that is not on this computer yet (it
        stayed pressable on a downloaded course, doing nothing)."""
        item = self.outline.currentItem()
        chapter_id = item.data(0, IdRole) if item is not None else None
        self.download_chapter.setEnabled(
            bool(chapter_id) and self._chapter_states.get(str(chapter_id)) != OFFLINE
        )

    def _fit_outline_columns(self) -> None:
        """Titles take the room left and shorten with "…"; states and progress are read
        whole (at 1024x600 the progress column was cut off)."""
        header = self.outline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def _select_last_read(self) -> None:
        """Back from the reader, the outline's current item is the chapter just read: the
        keyboard goes on from there, not from the top."""
        for item in outline_chapters(self.outline):
            if item.data(0, IdRole) == self._last_read:
                self.outline.setCurrentItem(item)
                return

    def _show_primary_action(
        self,
        manifest: CourseManifest | None,
        states: dict[str, str],
        progress: CourseProgress | None,
    ) -> None:
        """One primary action: download the course until every chapter is on this computer,
        then read it ("Resume" where the learner left off). A downloaded course's button
        says so and cannot be pressed: it once looked as active as before."""
        chapters = [c for p in manifest.parts for c in p.chapters] if manifest else []
        downloaded = bool(chapters) and all(states.get(c.id) == OFFLINE for c in chapters)
        self.download_course.setEnabled(self.course_id is not None and not downloaded)
        self.download_course.setText(
            _("Course downloaded") if downloaded else _("Download the course")
        )
        self.read_course.setVisible(bool(chapters))
        self.read_course.setText(
            _("Resume reading") if progress and progress.last_chapter else _("Start the course")
        )
        following = next_chapter(manifest, progress) if manifest else None
        self.read_course.setAccessibleDescription(following.title if following else "")
        self.read_course.setToolTip(plain_tooltip(following.title) if following else "")
        primary, other = (
            (self.read_course, self.download_course)
            if downloaded
            else (self.download_course, self.read_course)
        )
        for button, name in ((primary, "PrimaryButton"), (other, "")):
            if button.objectName() != name:
                button.setObjectName(name)
                button.style().unpolish(button)
                button.style().polish(button)
        primary.setDefault(True)
        other.setDefault(False)

    def resume_reading(self) -> None:
        chapter = next_chapter(self.manifest, self.progress) if self.manifest else None
        if chapter is not None and self.course_id is not None:
            self.open_chapter(self.course_id, chapter.id)

    # --- downloads -----------------------------------------------------------------------

    def start_download(self, chapter_id: str | None = None, allow_large: bool = False) -> None:
        """Queue the selected course (or one of its chapters); chapters go first."""
        if self.course_id is None:
            return
        if self.queue is None:
            from companion.services.downloads import DownloadQueue

            self.queue = DownloadQueue(self.library, self.relay.deliver)
        self.banner.hide()
        self.queue.enqueue(self.course_id, chapter_id, allow_large)

    def _download_selected_chapter(self) -> None:
        item = self.outline.currentItem()
        chapter_id = item.data(0, IdRole) if item is not None else None
        if chapter_id:
            self.start_download(chapter_id=str(chapter_id))

    @property
    def downloading(self) -> bool:
        return self.queue is not None and self.queue.current is not None

    def _on_queue_event(self, event: Any) -> None:
        key = (event.job.course_id, event.job.chapter_id) if event.job else None
        if event.kind == "queued" and key:
            self.downloads.queued(key)
        elif event.kind == "started" and key:
            self.downloads.started(key)
            for widget in (self.pause, self.cancel):
                widget.show()
        elif event.kind == "progress" and key:
            self.downloads.progress(key, *event.data)
        elif event.kind in ("finished", "failed", "cancelled", "withdrawn") and key:
            self.downloads.ended(key)
            if event.kind != "withdrawn":
                self._job_ended(event)
        elif event.kind == "idle":
            self.pause.setChecked(False)
            for widget in (self.pause, self.cancel):
                widget.hide()

    def _remove_job(self, key: tuple[str, str | None], running: bool) -> None:
        if self.queue is None:
            return
        if running:
            self.queue.cancel_current()  # what was downloaded is kept for a later resume
        else:
            self.queue.withdraw(*key)

    def _title_of(self, course_id: str) -> str:
        entry = self._catalog.get(course_id)
        return entry.title if entry else course_id

    def _job_ended(self, event: Any) -> None:
        self._refresh_course_states()
        if event.job.course_id == self.course_id:
            self._refresh_outline()
        if event.kind == "failed":
            self._download_failed(event.job, event.data)
        elif event.kind == "finished" and event.data.held_back:
            self.banner.show_message(
                "warning",
                _("Large files wait for a non-metered connection."),
                ngettext(
                    "{count} file was not downloaded.",
                    "{count} files were not downloaded.",
                    event.data.held_back,
                ).format(count=event.data.held_back),
                action=_("Close"),
            )

    def _download_failed(self, job: Any, error: BaseException) -> None:
        """Said as it is: nothing restarts by itself (the platform's "Companion will try
        again" was not true of downloads, issue 12); one button resumes it."""
        message, _hint, reference = describe(error)
        hint = _("What arrived is kept: resume the download when the connection is back.")
        self.banner.show_message("error", message, hint, reference, action=_("Resume the download"))
        self._failed_job = job
        self.changed.emit()

    def _banner_action(self) -> None:
        self.banner.hide()
        job, self._failed_job = self._failed_job, None
        if job is not None and self.queue is not None:
            self.queue.enqueue(job.course_id, job.chapter_id, job.allow_large)

    def _pause_toggled(self, paused: bool) -> None:
        if self.queue is None:
            return
        if paused:
            self.queue.pause()
            self.pause.setText(_("Resume"))
        else:
            self.queue.resume()
            self.pause.setText(_("Pause"))

    def _cancel_download(self) -> None:
        if self.queue is not None:
            self.queue.cancel_all()

    def _pin_toggled(self, pinned: bool) -> None:
        course_id = self.course_id
        if course_id is not None:
            run_in_background(
                self,
                lambda: self.library().pin(course_id, pinned),
                lambda _r: None,
                self._failed,
                local=True,
            )

    def _remove(self) -> None:
        course_id = self.course_id
        if course_id is not None:

            def removed(_freed: object) -> None:
                self._refresh_outline()
                self._refresh_course_states()

            run_in_background(
                self,
                lambda: self.library().remove(course_id),
                removed,
                self._failed,
                local=True,
            )

    def show_storage(self) -> None:
        from companion.ui.views.storage_dialog import StorageDialog

        titles = {course_id: entry.title for course_id, entry in self._catalog.items()}
        self.storage_dialog = StorageDialog(self.library, titles, parent=self)
        self.storage_dialog.changed.connect(self._refresh_course_states)
        self.storage_dialog.changed.connect(self._refresh_outline)
        self.storage_dialog.show()

    # --- reading -------------------------------------------------------------------------

    def _open_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        chapter_id = item.data(0, IdRole)
        if chapter_id and self.course_id:
            self.open_chapter(self.course_id, str(chapter_id))

    def open_chapter(self, course_id: str, chapter_id: str, highlight: str = "") -> None:
        self.reading.open(course_id, chapter_id, highlight)

    def _back_to_outline(self) -> None:
        self.reading.close()

    def _reader_shown(self) -> None:
        self.pages.setCurrentWidget(self.reader)
        if self.reading.current is not None:
            self._last_read = self.reading.current[1]
        if not focus_inside(self.reader):
            self.reader.focus_content()  # the outline had it, and is hidden now
        self.changed.emit()

    def _outline_shown(self) -> None:
        self.pages.setCurrentIndex(0)
        if not focus_inside(self._page):
            self.outline.setFocus(Qt.FocusReason.OtherFocusReason)  # the reader had it
        self._refresh_outline()

    @property
    def study(self) -> StudyTracker:
        return self.reading.study

    @property
    def open_externally(self) -> Callable[[Path], bool]:
        return self.reading.open_externally

    @open_externally.setter
    def open_externally(self, opener: Callable[[Path], bool]) -> None:
        self.reading.open_externally = opener

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        self.study.pause()  # another tab, or the window closing: this session is over
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        self.study.resume()
        super().showEvent(event)

    # --- search --------------------------------------------------------------------------

    def _search(self, text: str) -> None:
        if not text.strip():
            self.results.hide()
            return
        run_in_background(
            self,
            lambda: self.library().search(text),
            self._show_hits,
            self._failed,
            local=True,
        )

    def _show_hits(self, hits: list[SearchHit]) -> None:
        self.results.clear()
        for hit in hits:
            # Which course, first: the same chapter title can be in two courses.
            course = self._course_title(hit.course_id)
            found = _strip_marks(hit.snippet)
            item = QListWidgetItem(f"{course} › {hit.chapter_title} — {found}")
            item.setData(IdRole, (hit.course_id, hit.chapter_id, _first_mark(hit.snippet)))
            item.setToolTip(plain_tooltip(f"{course} › {hit.chapter_title}\n{found}"))
            self.results.addItem(item)
        if not hits:
            self.results.addItem(_("No match in the downloaded courses."))
        self.results.setVisible(True)
        self.results.setMaximumHeight(160)
        self.changed.emit()

    def _course_title(self, course_id: str) -> str:
        entry = self._catalog.get(course_id)
        return entry.title if entry else course_id

    def _open_hit(self, item: QListWidgetItem) -> None:
        target = item.data(IdRole)
        if target:
            self.open_chapter(*target)

    def _failed(self, error: BaseException) -> None:
        self._failed_job = None
        message, hint, reference = describe(error)
        self.banner.show_message("error", message, hint, reference, action=_("Close"))
        self.changed.emit()


Outline = tuple[CourseManifest | None, dict[str, str], int, bool, CourseProgress | None]


def _show_chapter_progress(
    item: QTreeWidgetItem, chapter: Chapter, progress: CourseProgress
) -> None:
    """✓ and the words beside it: the mark is never the only sign, and a screen reader
    says it too."""
    quiz = next((b.quiz for b in chapter.blocks if b.quiz is not None), None)
    done = chapter.id in progress.completed if quiz is None else quiz.id in progress.passed
    item.setText(0, f"✓ {chapter.title}" if done else chapter.title)
    if quiz is None:
        status = _("Completed") if done else ""
    elif quiz.id in progress.best_scores:
        best = round(progress.best_scores[quiz.id] * 100)
        status = (
            _("Best score: {score} %, passed")
            if done
            else _("Best score: {score} %, not passed yet")
        ).format(score=best)
    else:
        status = _("Not taken yet")
    item.setText(2, f"✓ {status}" if done else status)
    description = _("completed") if done else _("not completed")
    item.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, description)
    item.setData(2, Qt.ItemDataRole.AccessibleDescriptionRole, status or description)


def outline_chapters(outline: QTreeWidget) -> list[QTreeWidgetItem]:
    parts = [outline.topLevelItem(top) for top in range(outline.topLevelItemCount())]
    return [
        chapter
        for part in parts
        if part is not None
        for chapter in (part.child(row) for row in range(part.childCount()))
        if chapter is not None
    ]


def _first_mark(snippet: str) -> str:
    """The matched word as written in the chapter (accents included), for the reader."""
    import html

    start = snippet.find("<mark>")
    end = snippet.find("</mark>", start)
    return html.unescape(snippet[start + 6 : end]) if start >= 0 and end > start else ""


def _strip_marks(snippet: str) -> str:
    import html

    return html.unescape(snippet.replace("<mark>", "«").replace("</mark>", "»"))
