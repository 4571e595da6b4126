"""The catalogue screen: a heading, a search field, a message banner, the list of courses
and its one primary action, adding the chosen course to the learner's library."""

from __future__ import annotations

from companion.domain import CatalogEntry
from companion.errors import UserFacingError
from companion.i18n import _, ngettext
from companion.services.catalog import CatalogResult

from companion.ui import qt
from companion.ui.qt import (
    Early,
    QAction,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QShowEvent,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.views.catalog_model import CatalogModel, EntryRole
from companion.ui.widgets.banner import MessageBanner


class CatalogView(QWidget):
    retry_requested = Signal()
    add_requested = Signal(object)  # a CatalogEntry: into the library (enrolled when signed in)

    def __init__(self) -> None:
        super().__init__()
        self.model = CatalogModel()
        self._title = QLabel()
        self._title.setObjectName("ViewTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("ViewSubtitle")
        self.updated = QLabel()  # when the catalogue was fetched, set by the window
        self.updated.setObjectName("ViewSubtitle")
        self.banner = MessageBanner()
        self.banner.action_requested.connect(self.retry_requested)
        self.list = QListView()
        self.list.setObjectName("CatalogList")
        self._delegate_set = False  # the cards' delegate: when first shown
        self.list.setModel(self.model)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setUniformItemSizes(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # cards follow the window's width
        self.list.activated.connect(self.add_selected)  # Enter or a double-click
        self.search = qt.QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._enter_in_search)
        self._find = QAction(self)
        qt.shortcut(self._find, "Ctrl+F")
        self._find.triggered.connect(lambda: self.search.setFocus())
        self.addAction(self._find)
        self.add_button = QPushButton()  # the screen's one primary action
        self.add_button.setObjectName("PrimaryButton")
        self.add_button.clicked.connect(self.add_selected)
        self.hint = QLabel()
        self.hint.setObjectName("ViewSubtitle")
        self.hint.setWordWrap(True)
        self.placeholder = QLabel()
        self.placeholder.setProperty("alignment", Early.ALIGN_CENTER)
        self.placeholder.setWordWrap(True)
        self._pages = QStackedWidget()
        self._pages.addWidget(self.placeholder)
        self._pages.addWidget(self.list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addWidget(self._title)
        subtitle_row = QHBoxLayout()
        subtitle_row.addWidget(self.subtitle)
        subtitle_row.addStretch(1)
        subtitle_row.addWidget(self.updated)
        layout.addLayout(subtitle_row)
        layout.addSpacing(8)
        layout.addWidget(self.search)
        layout.addWidget(self.banner)
        layout.addWidget(self._pages, 1)
        action_row = QHBoxLayout()
        action_row.addWidget(self.hint, 1)
        action_row.addWidget(self.add_button)
        layout.addLayout(action_row)
        self.list.selectionModel().currentChanged.connect(lambda *_args: self.retranslate())
        self.model.modelReset.connect(self._select_first)
        self._loading = True
        # Re-shown in a new language: why the live catalogue is missing.
        self._saved_problem: UserFacingError | None = None
        self._error: tuple[str, str, str] | None = None
        self.retranslate()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's API
        if not self._delegate_set:  # its Qt types are set up now, not for the first paint
            from companion.ui.views.catalog_delegate import CourseCardDelegate

            self.list.setItemDelegate(CourseCardDelegate(self.list))
            self._delegate_set = True
        super().showEvent(event)

    def selected_course(self) -> CatalogEntry | None:
        index = self.list.currentIndex()
        course = index.data(EntryRole) if index.isValid() else None
        return course if isinstance(course, CatalogEntry) else None

    def add_selected(self) -> None:
        course = self.selected_course()
        if course is not None:
            self.model.set_in_library(self.model.in_library | {course.id})
            self.add_requested.emit(course)
            self.retranslate()

    def _enter_in_search(self) -> None:
        """Enter in the search adds the chosen course (as the hint says); with none chosen
        yet, it chooses the first match and goes to the list, so nothing is added unseen."""
        if self.selected_course() is not None:
            self.add_selected()
        elif self.model.rowCount() > 0:
            self.list.setCurrentIndex(self.model.index(0))
            self.list.setFocus()

    def set_in_library(self, course_ids: list[str]) -> None:
        self.model.set_in_library(set(course_ids))
        self.retranslate()

    def _filter(self, text: str) -> None:
        chosen = self.selected_course()
        self.model.set_filter(text)
        row = self.model.row_of(chosen.id) if chosen is not None else -1
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
        self._show_page()
        self.retranslate()

    def _select_first(self) -> None:
        if self.model.rowCount() > 0 and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0))

    def _show_page(self) -> None:
        self._pages.setCurrentWidget(self.list if self.model.rowCount() else self.placeholder)

    def show_loading(self) -> None:
        self._loading = True
        if self.model.rowCount() == 0:
            self._pages.setCurrentWidget(self.placeholder)
        self.retranslate()

    def show_result(self, result: CatalogResult) -> None:
        self._loading = False
        chosen = self.selected_course()
        self.model.set_courses(result.courses)
        row = self.model.row_of(chosen.id) if chosen is not None else -1
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
        self._show_page()
        self._saved_problem = result.problem
        self._error = None
        self.retranslate()

    def show_error(self, message: str, hint: str, reference: str) -> None:
        self._loading = False
        self._error = (message, hint, reference)
        if self.model.rowCount() == 0:
            self._pages.setCurrentWidget(self.placeholder)
        self.retranslate()

    def retranslate(self) -> None:
        self._title.setText(_("Course catalogue"))
        count = self.model.total()
        shown = self.model.rowCount()
        if self._loading and count == 0:
            self.subtitle.setText("")
            self.placeholder.setText(_("Loading the catalogue…"))
        elif count == 0:
            self.subtitle.setText("")
            self.placeholder.setText(
                _("No course to show yet. Connect to the internet, then press F5 to refresh.")
            )
        else:
            self.subtitle.setText(
                ngettext("{n} course available", "{n} courses available", count).format(n=count)
            )
            if shown == 0:
                self.placeholder.setText(
                    _("No course matches “{text}”. Clear the search to see every course.").format(
                        text=self.search.text().strip()
                    )
                )
        self._show_problem()
        self.search.setPlaceholderText(_("Search the catalogue (Ctrl+F)"))
        self.search.setAccessibleName(_("Search the catalogue"))
        self.list.setAccessibleName(_("Courses"))
        self._retranslate_action()

    def _show_problem(self) -> None:
        """The banner's own words are made here, so they follow a language switch."""
        if self._error is not None:
            self.banner.show_message("error", *self._error)
        elif self._saved_problem is not None:
            self.banner.show_message(
                "warning",
                _("Offline: this is the catalogue saved on this computer."),
                self._saved_problem.message,
                self._saved_problem.reference,
            )
        else:
            self.banner.hide()

    def _retranslate_action(self) -> None:
        course = self.selected_course()
        in_library = course is not None and course.id in self.model.in_library
        self.add_button.setText(_("Open in my library") if in_library else _("Add to my library"))
        self.add_button.setEnabled(course is not None)
        self.add_button.setAccessibleDescription(
            _("Adds the chosen course to your library; you are enrolled when signed in.")
        )
        if course is None:
            self.hint.setText(_("Choose a course, then add it to your library to study it."))
        else:
            self.hint.setText(
                _("“{title}”: Enter or a double-click adds it too.").format(title=course.title)
            )
