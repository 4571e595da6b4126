"""The chapter open in the reader, for the library view: loading it, previous and next
(a chapter read to its end is completed), the reading position, study time, quizzes, and
the files and clips a chapter links to. Every write goes to the progress service on a
worker; the GUI thread never waits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.domain import CourseManifest
from companion.i18n import _
from companion.services.chapter_images import ChapterPage, ImageToDecode
from companion.services.course_files import OpenableFile, safe_file_name

if TYPE_CHECKING:
    from companion.services.library import LibraryService
    from companion.services.progress import ProgressService

from companion.ui import qt
from companion.ui.bridge import run_in_background
from companion.ui.qt import QDesktopServices, QObject, QUrl, Signal
from companion.ui.views.reader_view import ReaderView
from companion.ui.views.study_tracker import Studied, StudyTracker
from companion.ui.widgets.banner import MessageBanner
from companion.ui.widgets.chapter_browser import decode


class ReadingController(QObject):
    shown = Signal()  # a chapter is on screen, or a quiz was graded
    closed = Signal()  # back to the outline

    def __init__(
        self,
        library: Callable[[], LibraryService],
        progress: Callable[[str], ProgressService],
        open_dir: Path,
        reader: ReaderView,
        banner: MessageBanner,
        manifest: Callable[[], CourseManifest | None],
        failed: Callable[[BaseException], None],
        parent: QObject,
    ) -> None:
        """``library`` and ``progress`` (of a course: a site course's progress is its
        account's): the services, called on workers only (they open SQLite files);
        ``open_dir``: where a copy of a file to open is put."""
        super().__init__(parent)
        self.library = library
        self.progress = progress
        self.open_dir = open_dir
        self.reader = reader
        self.banner = banner
        self.manifest = manifest  # the course shown in the library
        self.failed = failed
        self.current: tuple[str, str] | None = None  # (course id, chapter id)
        self._page = 0  # the chapter shown, counted: a late image of another is dropped
        self._focus_next = False  # opened with Previous or Next: the focus goes to it
        # The system's viewer or player (a test puts a recorder here).
        self.open_externally: Callable[[Path], bool] = lambda path: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(path))
        )
        # Where the learner saves a file Companion does not open (a test puts a chooser here).
        self.choose_save_path: Callable[[str], Path | None] = self._ask_save_path
        self.study = StudyTracker(
            [reader.browser, reader.browser.viewport(), reader.quiz], self._record_study
        )
        reader.browser.verticalScrollBar().valueChanged.connect(self.study.touch)
        reader.quiz.submitted.connect(self.study.touch)
        reader.quiz.submitted.connect(self._submit_quiz)
        reader.back_requested.connect(self.close)
        reader.neighbour_requested.connect(self._open_neighbour)
        reader.open_asset = self._open_asset
        reader.site_quiz_requested.connect(self.answer_site_quiz)

    def answer_site_quiz(self, activity: str) -> None:
        """A site's quiz, answered here and graded by the site (online, on a worker)."""
        from companion.ui.views.site_quiz_dialog import SiteQuizDialog

        if self.current is None:
            return
        course_id, library = self.current[0], self.library
        run_in_background(
            self,
            lambda: library().site_quiz(course_id, activity),
            lambda loaded: SiteQuizDialog(self.reader, *loaded).open(),
            self.failed,
        )

    def _background(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Everything here reads or writes this computer only: never behind the network."""
        run_in_background(self, work, done, self.failed, local=True)

    # --- chapters ------------------------------------------------------------------------

    def open(self, course_id: str, chapter_id: str, highlight: str = "") -> None:
        def load() -> tuple[Any, ChapterPage, float]:
            library = self.library()
            chapter = library.chapter(course_id, chapter_id)
            page = library.chapter_page(course_id, chapter_id)
            return chapter, page, self.progress(course_id).position(course_id, chapter_id)

        def show(loaded: tuple[Any, ChapterPage, float]) -> None:
            chapter, page, position = loaded
            manifest = self.manifest()
            self.current = (course_id, chapter_id)
            self.study.begin(course_id, chapter, manifest)
            progress = self.progress

            def opened() -> None:  # the position is stamped now: "Resume" comes back here
                progress(course_id).open_chapter(course_id, chapter, manifest)
                progress(course_id).save_position(course_id, chapter_id, position)

            self._background(opened, _ignore)
            self.reader.show_chapter(chapter, page.html, 0.0 if highlight else position)
            if highlight:
                self.reader.browser.find(highlight)  # selects and scrolls to the match
            if self._focus_next:  # Next: the learner goes on reading the new chapter
                self._focus_next = False
                self.reader.focus_content()
            self.shown.emit()
            self._decode_images(list(page.images))

        self.save_position()
        self._background(load, show)

    def _decode_images(self, images: list[ImageToDecode]) -> None:
        """The text is shown; its images follow, decoded one at a time on a worker (one
        image's decoding memory at once), each shown as it comes, while the chapter is
        still the one open."""
        self._page += 1
        page = self._page

        def next_image(_previous: object = None) -> None:
            if page != self._page or not images:
                return
            image = images.pop(0)

            def shown(decoded: Any) -> None:
                if page == self._page:
                    self.reader.browser.show_image(image.key, decoded)
                next_image()

            self._background(lambda: decode(image), shown)

        next_image()

    def abandon(self) -> None:
        """Close without saving anything: progress has changed hands, and the position or
        time would be written as the new learner's."""
        self.reader.stop_media()
        self.study.abandon()
        self.current, self._page = None, self._page + 1
        self.closed.emit()

    def close(self) -> None:
        self.save_position()
        self.reader.stop_media()
        self.study.end()
        self.current, self._page = None, self._page + 1
        self.closed.emit()

    def _open_neighbour(self, step: int) -> None:
        manifest = self.manifest()
        if self.current is None or manifest is None:
            return
        chapters = [c for p in manifest.parts for c in p.chapters]
        order = [c.id for c in chapters]
        course_id, chapter_id = self.current
        index = order.index(chapter_id)
        if step > 0 and self.reader.pages.currentIndex() == 0:  # read to the end: done
            chapter, progress = chapters[index], self.progress
            self._background(
                lambda: progress(course_id).complete_chapter(course_id, chapter, manifest),
                _ignore,
            )
        if 0 <= index + step < len(order):
            # Focus goes to the new chapter, not left on the button (issue 27: the page
            # changed under a screen reader's user, silently).
            self._focus_next = True
            self.open(course_id, order[index + step])

    def save_position(self) -> None:
        if self.current is None or self.reader.pages.currentIndex() != 0:
            return
        course_id, chapter_id = self.current
        position, progress = self.reader.position(), self.progress
        self._background(
            lambda: progress(course_id).save_position(course_id, chapter_id, position), _ignore
        )

    def _record_study(self, studied: Studied, wait: bool) -> None:
        def record() -> bool:
            return self.progress(studied.course_id).record_study(
                studied.course_id,
                studied.chapter,
                studied.span.seconds,
                studied.course,
                studied.span.started_at,
            )

        if wait:  # quitting: one small write, done before the database closes
            record()
        else:
            self._background(record, _ignore)

    # --- quizzes -------------------------------------------------------------------------

    def _submit_quiz(self, answers: dict[str, frozenset[str]]) -> None:
        quiz = self.reader.quiz.quiz
        if quiz is None or self.current is None:
            return
        course_id, manifest, progress = self.current[0], self.manifest(), self.progress

        def grade() -> tuple[Any, float | None]:
            result = progress(course_id).submit(course_id, quiz, answers, manifest)
            return result, progress(course_id).best_score(course_id, quiz.id)

        self._background(grade, self._quiz_graded)

    def _quiz_graded(self, graded: tuple[Any, float | None]) -> None:
        self.reader.show_quiz_result(*graded)
        self.shown.emit()

    # --- files and clips -----------------------------------------------------------------

    def _open_asset(self, sha256: str, title: str = "") -> None:
        """Audio and video play in the reader when Qt's multimedia modules are installed;
        documents and media of the types Companion allows open in the system's application;
        anything else is only offered as "Save as…", never opened (issue 12)."""
        open_dir = self.open_dir

        def opened(found: OpenableFile) -> None:
            if found.path is None:
                self._offer_saving(sha256, title)
                return
            path, kind = found.path, found.media_type.split("/")[0]
            if kind in ("audio", "video"):
                modules = qt.multimedia()
                if modules is not None:
                    player = self.reader.play_media(modules, path, title, kind == "video")
                    player.failed.connect(self._media_failed)
                    return
                self._warn(
                    _("Audio and video cannot play inside Companion on this computer."),
                    _("The file opens in your computer's player instead."),
                )
            if not self.open_externally(path):
                self._warn(_("No application on this computer can open this file."), str(path))

        library = self.library
        self._background(lambda: library().openable_copy(sha256, open_dir), opened)

    def _offer_saving(self, sha256: str, title: str) -> None:
        destination = self.choose_save_path(safe_file_name(title))
        if destination is None:
            return
        library = self.library

        def saved(_result: object) -> None:
            self.banner.show_message(
                "warning",
                _("This kind of file is not opened by Companion; it was saved."),
                str(destination),
                action=_("Close"),
            )

        self._background(lambda: library().save_copy(sha256, destination), saved)

    def _ask_save_path(self, suggested: str) -> Path | None:
        chosen, _filter = qt.QFileDialog.getSaveFileName(
            self.reader, _("Save as…"), str(Path.home() / suggested)
        )
        return Path(chosen) if chosen else None

    def _media_failed(self, reason: str) -> None:
        self._warn(_("This clip cannot be played."), reason)

    def _warn(self, message: str, hint: str) -> None:
        self.banner.show_message("warning", message, hint, action=_("Close"))


def _ignore(_result: object) -> None:
    """Nothing to show: the write is done, progress will show it."""
