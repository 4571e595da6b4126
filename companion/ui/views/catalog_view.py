"""The catalogue screen: a heading, a message banner and the list of courses."""

from __future__ import annotations

from companion.i18n import _, ngettext
from companion.services.catalog import CatalogResult

from companion.ui.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.views.catalog_model import CatalogModel, CourseCardDelegate
from companion.ui.widgets.banner import MessageBanner


class CatalogView(QWidget):
    retry_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.model = CatalogModel()
        self._title = QLabel()
        self._title.setObjectName("ViewTitle")
        self._subtitle = QLabel()
        self._subtitle.setObjectName("ViewSubtitle")
        self.updated = QLabel()  # when the catalogue was fetched, set by the window
        self.updated.setObjectName("ViewSubtitle")
        self.banner = MessageBanner()
        self.banner.action_requested.connect(self.retry_requested)
        self.list = QListView()
        self.list.setObjectName("CatalogList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(CourseCardDelegate(self.list))
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setUniformItemSizes(True)
        self._placeholder = QLabel()
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._pages = QStackedWidget()
        self._pages.addWidget(self._placeholder)
        self._pages.addWidget(self.list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addWidget(self._title)
        subtitle_row = QHBoxLayout()
        subtitle_row.addWidget(self._subtitle)
        subtitle_row.addStretch(1)
        subtitle_row.addWidget(self.updated)
        layout.addLayout(subtitle_row)
        layout.addSpacing(8)
        layout.addWidget(self.banner)
        layout.addWidget(self._pages, 1)
        self._loading = True
        self.retranslate()

    def show_loading(self) -> None:
        self._loading = True
        if self.model.rowCount() == 0:
            self._pages.setCurrentWidget(self._placeholder)
        self.retranslate()

    def show_result(self, result: CatalogResult) -> None:
        self._loading = False
        self.model.set_courses(result.courses)
        self._pages.setCurrentWidget(self.list if result.courses else self._placeholder)
        if result.problem is None:
            self.banner.hide()
        else:
            self.banner.show_message(
                "warning",
                _("Offline: this is the catalogue saved on this computer."),
                result.problem.message,
                result.problem.reference,
            )
        self.retranslate()

    def show_error(self, message: str, hint: str, reference: str) -> None:
        self._loading = False
        self.banner.show_message("error", message, hint, reference)
        if self.model.rowCount() == 0:
            self._pages.setCurrentWidget(self._placeholder)
        self.retranslate()

    def retranslate(self) -> None:
        self._title.setText(_("Course catalogue"))
        count = self.model.rowCount()
        if self._loading and count == 0:
            self._subtitle.setText("")
            self._placeholder.setText(_("Loading the catalogue…"))
        elif count == 0:
            self._subtitle.setText("")
            self._placeholder.setText(_("No course to show yet."))
        else:
            self._subtitle.setText(
                ngettext("{n} course available", "{n} courses available", count).format(n=count)
            )
        self.list.setAccessibleName(_("Courses"))
