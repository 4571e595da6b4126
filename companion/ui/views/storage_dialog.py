"""What each course uses on this computer, with "keep offline" and "remove" per course."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from companion import formatting
from companion.errors import describe
from companion.i18n import _

if TYPE_CHECKING:
    from companion.services.library import LibraryService

from companion.ui.bridge import run_in_background
from companion.ui.qt import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.widgets.focus import close_with_escape


class StorageDialog(QWidget):
    changed = Signal()

    def __init__(
        self,
        library: Callable[[], LibraryService],
        titles: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        """``library``: the course files' service (called on a worker: it opens SQLite)."""
        # A window of its own, owned by the library: it goes when the main window goes.
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(_("Storage"))
        self.library = library
        self.titles = titles
        self.summary = QLabel()
        self.table = QTreeWidget()
        self.table.setColumnCount(3)
        self.table.setHeaderLabels([_("Course"), _("Size"), ""])
        self.table.setRootIsDecorated(False)
        self.table.setAccessibleName(_("Storage used by each course"))
        close_with_escape(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.resize(640, 360)
        self.refresh()

    def refresh(self) -> None:
        def load() -> tuple[dict[str, int], dict[str, bool], tuple[int, int]]:
            library = self.library()
            sizes = library.storage()
            return sizes, {c: library.is_pinned(c) for c in sizes}, library.usage()

        run_in_background(self, load, self._show, self._failed, local=True)

    def _show(self, loaded: tuple[dict[str, int], dict[str, bool], tuple[int, int]]) -> None:
        sizes, pinned, (used, budget) = loaded
        self.summary.setText(
            _("Course files use {used} of {budget}").format(
                used=formatting.size(used), budget=formatting.size(budget)
            )
        )
        self.table.clear()
        for course_id, size in sorted(sizes.items(), key=lambda item: -item[1]):
            item = QTreeWidgetItem(
                [self.titles.get(course_id, course_id), formatting.size(size), ""]
            )
            self.table.addTopLevelItem(item)
            self.table.setItemWidget(item, 2, self._actions(course_id, pinned[course_id]))
        self.table.resizeColumnToContents(0)
        self.changed.emit()

    def _actions(self, course_id: str, pinned: bool) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        keep = QCheckBox(_("Keep offline"))
        keep.setChecked(pinned)
        keep.toggled.connect(lambda on: self._run(lambda: self.library().pin(course_id, on)))
        remove = QPushButton(_("Remove"))
        remove.clicked.connect(lambda: self._run(lambda: self.library().remove(course_id)))
        row.addWidget(keep)
        row.addWidget(remove)
        return box

    def _run(self, work: Any) -> None:
        run_in_background(self, work, lambda _result: self.refresh(), self._failed, local=True)

    def _failed(self, error: BaseException) -> None:
        message, hint, _reference = describe(error)
        self.summary.setText(f"{message} {hint}")
        self.changed.emit()
