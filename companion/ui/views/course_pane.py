"""The library's right-hand pane: the course shown, its outline with each chapter's state
and progress, its one primary action, downloads in progress, and its storage."""

from __future__ import annotations

from typing import Any

from companion import formatting
from companion.domain import CourseManifest
from companion.i18n import _
from companion.services.home import next_chapter
from companion.services.library import NOT_DOWNLOADED, OFFLINE
from companion.services.progress import CourseProgress

from companion.ui.announce import announce
from companion.ui.qt import (
    QCheckBox,
    QLabel,
    QPushButton,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
    plain_tooltip,
)
from companion.ui.views.library_controller import LibraryController
from companion.ui.views.library_model import (
    Outline,
    all_downloaded,
    chapter_progress,
    chapters_of,
    progress_summary,
    state_text,
)
from companion.ui.views.outline_delegate import show_as_list
from companion.ui.widgets.downloads_panel import DownloadsPanel
from companion.ui.widgets.focus import hide_keeping_focus, set_enabled_keeping_focus
from companion.ui.widgets.wrap_row import WrapRow

IdRole = Qt.ItemDataRole.UserRole + 2


class CoursePane(QWidget):
    download_requested = Signal(object)  # a chapter id, or None for the whole course
    read_requested = Signal()  # "Start the course" or "Resume reading"

    def __init__(self, controller: LibraryController) -> None:
        super().__init__()
        self.controller = controller
        self._chapter_states: dict[str, str] = {}
        self.course_title = QLabel()
        self.course_title.setObjectName("SectionTitle")
        self.course_progress = QLabel()
        self.course_progress.setObjectName("ViewSubtitle")
        self.outline = QTreeWidget()
        self.outline.setColumnCount(3)
        show_as_list(self.outline)  # one readable list: states and progress under titles
        self.outline.currentItemChanged.connect(lambda *_: self.offer_chapter_download())
        self.download_course = QPushButton()
        self.download_course.setObjectName("PrimaryButton")
        self.download_course.clicked.connect(lambda: self.download_requested.emit(None))
        self.read_course = QPushButton()  # "Resume" or "Start": the chapter to read next
        self.read_course.clicked.connect(self.read_requested)
        self.download_chapter = QPushButton()
        self.download_chapter.clicked.connect(self._download_selected_chapter)
        self.pause = QPushButton()
        self.pause.setCheckable(True)
        self.pause.toggled.connect(self._pause_toggled)
        self.cancel = QPushButton()  # everything: the running job and those waiting
        self.cancel.clicked.connect(controller.cancel_all)
        self.pin = QCheckBox()
        self.pin.toggled.connect(controller.pin)
        self.remove = QPushButton()
        self.remove.clicked.connect(controller.remove)
        self.downloads = DownloadsPanel(controller.title_of, controller.drop_job)
        self.storage = QLabel()
        for widget in (self.pause, self.cancel):
            widget.hide()
        self._lay_out()

    def _lay_out(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.course_title)
        column.addWidget(self.course_progress)
        column.addWidget(self.outline, 1)
        actions = (self.read_course, self.download_course, self.download_chapter)
        column.addWidget(WrapRow([*actions, self.pause, self.cancel]))  # wraps when narrow
        column.addWidget(self.downloads)
        column.addWidget(WrapRow([self.pin, self.storage, self.remove]))

    def retranslate(self) -> None:
        self.outline.setAccessibleName(_("Course outline"))
        self.outline.setAccessibleDescription(
            _("Each chapter, whether it is on this computer, and your progress. Enter opens it.")
        )
        self.outline.setHeaderLabels([_("Chapter"), _("On this computer"), _("Your progress")])
        self.download_chapter.setText(_("Download this chapter"))
        self.pause.setText(_("Pause"))
        self.cancel.setText(_("Cancel all"))
        self.downloads.retranslate()
        self.pin.setText(_("Keep offline"))
        self.remove.setText(_("Remove from this computer"))

    # --- the outline --------------------------------------------------------------------

    def show_outline(self, outline: Outline, last_read: str | None) -> None:
        manifest, states, used, pinned, progress = outline
        self.outline.clear()
        if manifest is None or progress is None:
            self.course_progress.clear()
            self.show_primary_action(None, {}, None)
            self.storage.setText(_("Connect once to see this course's outline."))
            return
        for part in manifest.parts:
            part_item = QTreeWidgetItem([part.title, "", ""])
            self.outline.addTopLevelItem(part_item)
            for chapter in part.chapters:
                child = QTreeWidgetItem(
                    ["", state_text(states.get(chapter.id, NOT_DOWNLOADED)), ""]
                )
                shown = chapter_progress(chapter, progress)
                child.setText(0, shown.title)
                child.setText(2, shown.status)
                where = state_text(states.get(chapter.id, NOT_DOWNLOADED))
                # The hidden columns' words too: a screen reader reads column 0 only.
                said = f"{shown.done_words}, {where}"
                if shown.status_words.casefold() != shown.done_words.casefold():
                    said += f", {shown.status_words}"  # a quiz's best score
                child.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, said)
                child.setData(2, Qt.ItemDataRole.AccessibleDescriptionRole, shown.status_words)
                child.setData(0, IdRole, chapter.id)
                part_item.addChild(child)
            part_item.setExpanded(True)
        self._chapter_states = dict(states)
        self._select(last_read)
        self.course_progress.setText(progress_summary(progress))
        self.show_primary_action(manifest, states, progress)
        self.offer_chapter_download()
        self.pin.blockSignals(True)
        self.pin.setChecked(pinned)
        self.pin.blockSignals(False)
        self.storage.setText(_("Uses {size} on this computer").format(size=formatting.size(used)))

    def selected_chapter(self) -> str | None:
        item = self.outline.currentItem()
        chapter_id = item.data(0, IdRole) if item is not None else None
        return str(chapter_id) if chapter_id else None

    def offer_chapter_download(self) -> None:
        """ "Download this chapter" only for a chapter that is not on this computer yet (it
        stayed pressable on a downloaded course, doing nothing)."""
        chapter_id = self.selected_chapter()
        self.download_chapter.setEnabled(
            bool(chapter_id) and self._chapter_states.get(str(chapter_id)) != OFFLINE
        )

    def _download_selected_chapter(self) -> None:
        chapter_id = self.selected_chapter()
        if chapter_id:
            self.download_requested.emit(chapter_id)

    def _select(self, chapter_id: str | None) -> None:
        """Back from the reader, the outline's current item is the chapter just read: the
        keyboard goes on from there, not from the top."""
        for item in outline_chapters(self.outline):
            if item.data(0, IdRole) == chapter_id:
                self.outline.setCurrentItem(item)
                return

    def show_primary_action(
        self,
        manifest: CourseManifest | None,
        states: dict[str, str],
        progress: CourseProgress | None,
    ) -> None:
        """One primary action: download the course until every chapter is on this computer,
        then read it ("Resume" where the learner left off). A downloaded course's button
        says so and cannot be pressed: it once looked as active as before."""
        chapters = chapters_of(manifest)
        downloaded = all_downloaded(manifest, states)
        chosen = self.controller.course_id is not None
        self.read_course.setVisible(bool(chapters))
        # Downloaded: the focus on the button goes to reading it, its next step.
        usable = chosen and not downloaded
        set_enabled_keeping_focus(self.download_course, usable, self.read_course, self.outline)
        self.download_course.setText(
            _("Course downloaded") if downloaded else _("Download the course")
        )
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

    # --- downloads ----------------------------------------------------------------------

    def show_queue_event(self, event: Any) -> None:
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
            if event.kind == "finished":  # the row goes: heard, not only seen (issue 27)
                title = self.controller.title_of(key[0])
                announce(self, _("Download finished: {course}.").format(course=title))
        elif event.kind == "idle":
            self.pause.setChecked(False)
            for widget in (self.pause, self.cancel):  # the focus on them: to what is next
                hide_keeping_focus(widget, self.read_course, self.download_course, self.outline)

    def _pause_toggled(self, paused: bool) -> None:
        if self.controller.queue is None:
            return
        self.controller.pause(paused)
        self.pause.setText(_("Resume") if paused else _("Pause"))


def outline_chapters(outline: QTreeWidget) -> list[QTreeWidgetItem]:
    parts = [outline.topLevelItem(top) for top in range(outline.topLevelItemCount())]
    return [
        chapter
        for part in parts
        if part is not None
        for chapter in (part.child(row) for row in range(part.childCount()))
        if chapter is not None
    ]
