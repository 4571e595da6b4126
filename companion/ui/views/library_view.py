"""The offline library: courses, their outline with each chapter's state, downloads with
progress, storage, search, and the reader. This module only shows: the controller
(``library_controller.py``) reads and downloads on workers, the model
(``library_model.py``) puts it in words, and ``ReadingController`` runs the reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.domain import CatalogEntry, CourseManifest
from companion.errors import describe
from companion.i18n import _, ngettext
from companion.services.home import next_chapter
from companion.services.library import NOT_DOWNLOADED, SearchHit
from companion.services.progress import CourseProgress

from companion.ui.events import EventHub
from companion.ui.qt import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    Qt,
    QTimer,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
    plain_tooltip,
)
from companion.ui.views.course_pane import CoursePane, IdRole
from companion.ui.views.library_cards import (
    CardRole,
    LibraryCard,
    StorageBar,
    card_list,
    progress_words,
    split_site,
)
from companion.ui.views.library_controller import LibraryController
from companion.ui.views.library_model import (
    Outline,
    course_mark,
    course_state_words,
    first_mark,
    hit_text,
    state_text,
)
from companion.ui.views.reader_view import ReaderView
from companion.ui.views.reading import ReadingController
from companion.ui.views.study_tracker import StudyTracker
from companion.ui.widgets.banner import MessageBanner, Told
from companion.ui.widgets.flow_layout import FlowLayout
from companion.ui.widgets.focus import focus_inside

if TYPE_CHECKING:
    from companion.services.downloads import DownloadQueue
    from companion.services.library import LibraryService
    from companion.services.progress import ProgressService

TitleRole = Qt.ItemDataRole.UserRole + 3


SEARCH_PAUSE_MS = 250  # a search runs once typing has paused this long


class LibraryView(QWidget):
    changed = Signal()  # a download, removal or manifest refresh finished; tests wait on it
    catalogue_requested = Signal()  # the empty library's way to the catalogue

    def __init__(
        self,
        events: EventHub,
        library: Callable[[], LibraryService],
        progress: Callable[[], ProgressService],
        open_dir: Path,
        progress_of: Callable[[str], ProgressService] | None = None,
    ) -> None:
        """``library`` and ``progress`` (whose progress is kept now; ``progress_of``: a
        course's, a site course's being its account's): the services, called on workers
        only; ``open_dir``: where a copy of a file to open is put."""
        super().__init__()
        self.library = library
        self.controller = LibraryController(library, progress, self, progress_of)
        self.controller.courses_listed.connect(self._show_my_courses)
        self.controller.states_read.connect(self._show_course_states)
        self.controller.outline_read.connect(self._show_outline)
        self.controller.hits_found.connect(self._show_hits)
        self.controller.queue_event.connect(self._on_queue_event)
        self.controller.removed.connect(self._refresh)
        self.controller.failed.connect(self._failed)
        self._last_read: str | None = None  # the outline's current item once back
        self._to_open: tuple[str, str | None] | None = None  # asked from the home view
        self.banner = MessageBanner()
        self.banner.action_requested.connect(self._banner_action)
        self._failed_job: Any = None  # the download the banner offers to resume
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self._typing = QTimer(self)  # a search once the learner pauses, not per keystroke
        self._typing.setSingleShot(True)
        self._typing.setInterval(SEARCH_PAUSE_MS)
        self._typing.timeout.connect(lambda: self.controller.search(self.search.text()))
        self.results = QListWidget()
        self.results.hide()
        self.results.itemActivated.connect(self.open_hit)
        self.courses = card_list()
        self.courses.currentItemChanged.connect(self._course_selected)
        self.pane = CoursePane(self.controller)
        self.pane.download_requested.connect(self.start_download)
        self.pane.read_requested.connect(self.resume_reading)
        self.outline = self.pane.outline
        self.outline.itemActivated.connect(self.open_item)
        # The pane's parts, by the names tests and tools know them by.
        self.course_title, self.course_progress = self.pane.course_title, self.pane.course_progress
        self.download_course, self.read_course = self.pane.download_course, self.pane.read_course
        self.download_chapter, self.cancel = self.pane.download_chapter, self.pane.cancel
        self.downloads, self.storage = self.pane.downloads, self.pane.storage
        self.title = QLabel()
        self.title.setObjectName("ViewTitle")
        self.empty_hint = QLabel()
        self.empty_hint.setWordWrap(True)
        self.to_catalogue = QPushButton()
        self.to_catalogue.setObjectName("PrimaryButton")
        self.to_catalogue.clicked.connect(self.catalogue_requested)
        self.storage_bar = StorageBar()
        self.usage = self.storage_bar.label
        self.storage_button = QPushButton()
        self.storage_button.clicked.connect(self.show_storage)
        self.storage_dialog: Any = None
        self.reader = ReaderView()
        self.reading = ReadingController(
            library,
            self.controller.progress_of,
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
        self.retranslate()
        events.learner_changed.connect(self.learner_changed)
        events.courses_known.connect(self.set_courses)
        events.accounts_changed.connect(self.controller.list_courses)  # a site's courses

    # --- what the controller knows ------------------------------------------------------

    @property
    def course_id(self) -> str | None:
        return self.controller.course_id

    @course_id.setter
    def course_id(self, course_id: str | None) -> None:
        self.controller.course_id = course_id

    @property
    def manifest(self) -> CourseManifest | None:
        return self.controller.manifest

    @property
    def progress(self) -> CourseProgress | None:
        return self.controller.course_progress

    @property
    def queue(self) -> DownloadQueue | None:
        return self.controller.queue

    @property
    def downloading(self) -> bool:
        return self.controller.downloading

    # --- layout --------------------------------------------------------------------------

    def _library_page(self) -> QWidget:
        self.splitter = splitter = QSplitter()
        splitter.addWidget(self.courses)
        splitter.addWidget(self.pane)
        splitter.setSizes([280, 600])
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        heading = FlowLayout()  # the storage goes under the title when the text is large
        for widget in (self.title, self.storage_bar, self.storage_button):
            heading.addWidget(widget)
        outer.addLayout(heading)
        outer.addWidget(self.search)
        self.empty = QWidget()  # what to do next, instead of an empty list and its buttons
        empty_column = QVBoxLayout(self.empty)
        empty_column.addWidget(self.empty_hint)
        empty_column.addWidget(self.to_catalogue, 0, Qt.AlignmentFlag.AlignLeft)
        empty_column.addStretch(1)
        self.empty.hide()
        outer.addWidget(self.empty, 1)
        outer.addWidget(self.results)
        outer.addWidget(splitter, 1)
        return page

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Search the downloaded courses…"))
        self.search.setAccessibleName(_("Search the downloaded courses"))
        self.results.setAccessibleName(_("Search results"))
        self.results.setAccessibleDescription(_("Enter opens the chapter found."))
        self.courses.setAccessibleName(_("My courses"))
        self.storage_button.setText(_("Manage storage…"))
        self.title.setText(_("My library"))
        self.empty_hint.setText(
            _(
                "Your library is empty. Choose courses in the Catalogue: they come here, "
                "to download and study even without a connection."
            )
        )
        self.to_catalogue.setText(_("Open the catalogue"))
        self.pane.retranslate()
        self.reader.retranslate()
        if self.usage.text():  # said again in the new language (issue 25: stayed French)
            self.controller.read_states()
        if self.course_id is not None:
            self.controller.read_outline()
        else:
            self.pane.show_primary_action(None, {}, None)

    # --- courses -------------------------------------------------------------------------

    def set_courses(self, courses: list[CatalogEntry]) -> None:
        """The catalogue is known: show the learner's own courses from it."""
        self.controller.catalog = {course.id: course for course in courses}
        self.controller.list_courses()

    def learner_changed(self) -> None:
        """Progress changed hands (a sign-in, or a kiosk session ended): nothing of the
        previous learner stays on screen — the open chapter, the search, the course list."""
        if self.reading.current is not None:
            self.reading.abandon()
        self._to_open = None
        self.search.clear()
        self.results.clear()
        self.results.hide()
        self.controller.list_courses()

    def _show_my_courses(self, course_ids: list[str], select: str | None = None) -> None:
        current = select or (self._to_open[0] if self._to_open else None) or self.course_id
        self.courses.blockSignals(True)
        self.courses.clear()
        for course_id in course_ids:
            title = self.controller.title_of(course_id)
            item = QListWidgetItem(title)
            item.setData(IdRole, course_id)
            item.setData(TitleRole, title)
            item.setData(CardRole, LibraryCard(*split_site(title), "", 0, 0))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, title)
            item.setToolTip(title)  # whole, where the card is too narrow
            self.courses.addItem(item)
        self.courses.blockSignals(False)
        self.empty.setVisible(not course_ids)
        self.splitter.setVisible(bool(course_ids))
        wanted = current if current in course_ids else (course_ids[0] if course_ids else None)
        self.controller.course_id = None
        if wanted is not None:
            self.select_course(wanted)
        self.controller.read_states()

    def _show_course_states(
        self, states: dict[str, str], usage: tuple[int, int], steps: dict[str, tuple[int, int]]
    ) -> None:
        for row in range(self.courses.count()):
            item = self.courses.item(row)
            course_id, title = str(item.data(IdRole)), str(item.data(TitleRole))
            state = states.get(course_id, "")
            card = LibraryCard(*split_site(title), state, *steps.get(course_id, (0, 0)))
            item.setData(CardRole, card)
            item.setText(course_mark(state) + title)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, title)
            described = f"{course_state_words(state)}, {progress_words(card)}"
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, described)
            where = state_text(state) if state else state_text(NOT_DOWNLOADED)
            # The whole name (with its site: a narrow card cuts it), then where it is.
            item.setToolTip(f"{title} — {where}")
        self.storage_bar.show_usage(*usage)

    def select_course(self, course_id: str) -> bool:
        for row in range(self.courses.count()):
            item = self.courses.item(row)
            if item.data(IdRole) == course_id:
                self.courses.setCurrentItem(item)
                return True
        return False

    def add_course(self, course_id: str) -> None:
        """From the catalogue: put the course in the learner's library and show it."""
        self.controller.add_course(course_id)

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
            self.controller.list_courses(course_id, from_progress=True)

    def _open_asked_chapter(self) -> None:
        asked, self._to_open = self._to_open, None
        if asked is not None and asked[1] is not None and asked[0] == self.course_id:
            self.open_chapter(asked[0], asked[1])

    def _course_selected(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        self.controller.course_id = str(item.data(IdRole))
        self.course_title.setText(item.text())
        self.controller.read_outline()

    def _refresh(self) -> None:
        self.controller.read_outline()
        self.controller.read_states()

    def _show_outline(self, outline: Outline) -> None:
        self.pane.show_outline(outline, self._last_read)
        manifest, asked = outline.manifest, self._to_open
        shown = manifest is not None and outline.progress is not None
        if shown and asked is not None and manifest is not None and asked[0] == manifest.id:
            self._open_asked_chapter()
        self.changed.emit()

    def resume_reading(self) -> None:
        chapter = next_chapter(self.manifest, self.progress) if self.manifest else None
        if chapter is not None and self.course_id is not None:
            self.open_chapter(self.course_id, chapter.id)

    # --- downloads -----------------------------------------------------------------------

    def start_download(self, chapter_id: str | None = None, allow_large: bool = False) -> None:
        """Queue the selected course (or one of its chapters); chapters go first."""
        if self.course_id is None:
            return
        self.banner.hide()
        self.controller.download(chapter_id, allow_large)

    def _on_queue_event(self, event: Any) -> None:
        self.pane.show_queue_event(event)
        ended = ("finished", "failed", "cancelled")
        if event.job is not None and event.kind in ended:
            self._job_ended(event)

    def _job_ended(self, event: Any) -> None:
        self.controller.read_states()
        if event.job.course_id == self.course_id:
            self.controller.read_outline()
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

        def words() -> Told:
            message, _hint, reference = describe(error)
            hint = _("What arrived is kept: resume the download when the connection is back.")
            return message, hint, reference, _("Resume the download")

        self.banner.tell("error", words)
        self._failed_job = job
        self.changed.emit()

    def _banner_action(self) -> None:
        self.banner.hide()
        job, self._failed_job = self._failed_job, None
        if job is not None and self.queue is not None:
            self.controller.enqueue(job.course_id, job.chapter_id, job.allow_large)

    def show_storage(self) -> None:
        from companion.ui.views.storage_dialog import StorageDialog

        titles = {course_id: entry.title for course_id, entry in self.controller.catalog.items()}
        self.storage_dialog = StorageDialog(self.library, titles, parent=self)
        self.storage_dialog.changed.connect(self.controller.read_states)
        self.storage_dialog.changed.connect(self.controller.read_outline)
        self.storage_dialog.show()

    # --- reading -------------------------------------------------------------------------

    def open_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        """A chapter of the outline, in the reader (Enter or a double-click on it)."""
        chapter_id = item.data(0, IdRole)
        if chapter_id and self.course_id:
            self.open_chapter(self.course_id, str(chapter_id))

    _open_item = open_item  # its name in tools/screenshots.py

    def open_chapter(self, course_id: str, chapter_id: str, highlight: str = "") -> None:
        self.reading.open(course_id, chapter_id, highlight)

    def back_to_outline(self) -> None:
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
        self.controller.read_outline()

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
            self._typing.stop()
            self.controller.cancel_search()
            self.results.hide()
            return
        self._typing.start()

    def _show_hits(self, hits: list[SearchHit]) -> None:
        self.results.clear()
        for hit in hits:
            line, tooltip = hit_text(hit, self.controller.title_of(hit.course_id))
            item = QListWidgetItem(line)
            item.setData(IdRole, (hit.course_id, hit.chapter_id, first_mark(hit.snippet)))
            item.setToolTip(plain_tooltip(tooltip))
            self.results.addItem(item)
        if not hits:
            self.results.addItem(_("No match in the downloaded courses."))
        self.results.setVisible(True)
        self.results.setMaximumHeight(160)
        self.changed.emit()

    def open_hit(self, item: QListWidgetItem) -> None:
        """A search result, in the reader, the word found selected."""
        target = item.data(IdRole)
        if target:
            self.open_chapter(*target)

    def _failed(self, error: BaseException) -> None:
        self._failed_job = None
        self.banner.tell("error", lambda: (*describe(error), _("Close")))
        self.changed.emit()
