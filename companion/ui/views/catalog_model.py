"""The catalogue as a Qt list model (the delegate that draws each course: catalog_delegate)."""

from __future__ import annotations

import unicodedata
from typing import Any

from companion import formatting
from companion.domain import CatalogEntry
from companion.i18n import _

from companion.ui.qt import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    plain_tooltip,
)

# Qt.ItemDataRole's values, written as the numbers Qt passes to ``data``: naming them
# through ``Qt`` would set up its whole namespace before the first paint (issue 14).
# tests/ui/test_qt_binding.py holds them equal to Qt's.
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
ACCESSIBLE_DESCRIPTION_ROLE = 12
USER_ROLE = 0x0100
EntryRole = USER_ROLE + 1
MarkersRole = USER_ROLE + 2  # "Premium", "In my library": words, not colours
_Index = QModelIndex | QPersistentModelIndex


def folded(text: str) -> str:
    """Lower case without accents: "securite" finds "Sécurité"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def markers(course: CatalogEntry, in_library: bool) -> list[str]:
    words = []
    if in_library:
        words.append("✓ " + _("In my library"))
    if course.premium:
        words.append("★ " + _("Premium"))
    return words


class CatalogModel(QAbstractListModel):
    """Every course of the catalogue; those matching the search are the rows."""

    def __init__(self) -> None:
        super().__init__()
        self._all: list[CatalogEntry] = []
        self._courses: list[CatalogEntry] = []
        self._filter = ""
        self.in_library: set[str] = set()

    def set_courses(self, courses: list[CatalogEntry]) -> None:
        self._all = list(courses)
        self._apply()

    def set_filter(self, text: str) -> None:
        self._filter = folded(text.strip())
        self._apply()

    def set_in_library(self, course_ids: set[str]) -> None:
        self.in_library = set(course_ids)
        if self._courses:
            self.dataChanged.emit(self.index(0), self.index(len(self._courses) - 1))

    def total(self) -> int:
        return len(self._all)

    def row_of(self, course_id: str) -> int:
        ids = [course.id for course in self._courses]
        return ids.index(course_id) if course_id in ids else -1

    def _apply(self) -> None:
        self.beginResetModel()
        words = self._filter.split()
        self._courses = [
            course
            for course in self._all
            if all(word in folded(searchable(course)) for word in words)
        ]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else len(self._courses)

    def data(self, index: _Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        course = self._courses[index.row()]
        if role == DISPLAY_ROLE:
            return course.title
        if role == TOOLTIP_ROLE:
            return plain_tooltip(course.summary)
        marks = markers(course, course.id in self.in_library)
        if role == ACCESSIBLE_DESCRIPTION_ROLE:
            badges = "".join(f"{mark}. " for mark in marks)
            return f"{course.title}. {badges}{meta_line(course)}. {course.summary}"
        if role == EntryRole:
            return course
        if role == MarkersRole:
            return marks
        return None


def searchable(course: CatalogEntry) -> str:
    return " ".join((course.title, course.summary, course.category, course.level))


def meta_line(course: CatalogEntry) -> str:
    return " · ".join(
        (
            course.category,
            course.level,
            formatting.duration(course.duration_minutes),
            formatting.size(course.size_bytes),
        )
    )
