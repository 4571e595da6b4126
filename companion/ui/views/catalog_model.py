"""The catalogue as a Qt list model, and the delegate that draws each course as a card."""

from __future__ import annotations

import unicodedata
from typing import Any

from companion import formatting
from companion.domain import CatalogEntry
from companion.i18n import _

from companion.ui.qt import (
    QAbstractListModel,
    QColor,
    QFont,
    QFontMetrics,
    QListView,
    QModelIndex,
    QPainter,
    QPen,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    plain_tooltip,
)
from companion.ui.theme import colour

EntryRole = Qt.ItemDataRole.UserRole + 1
MarkersRole = Qt.ItemDataRole.UserRole + 2  # "Premium", "In my library": words, not colours
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

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        course = self._courses[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return course.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(course.summary)
        marks = markers(course, course.id in self.in_library)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
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


class CourseCardDelegate(QStyledItemDelegate):
    """Title, a line of facts, and a two-line summary; sized from the font, not pixels."""

    PADDING = 12

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        height = int(metrics.height() * 1.25) + metrics.height() * 4 + 3 * self.PADDING
        # The narrowest card: the list stretches each one to its width. Asking for the width
        # seen at the time stuck (uniform sizes keep the first answer), so a window made
        # narrower cut the cards' right edge and grew a horizontal scroll bar.
        return QSize(320, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        course: CatalogEntry = index.data(EntryRole)
        painter.save()
        view = self.parent()
        selected = isinstance(view, QListView) and view.selectionModel().isSelected(index)
        palette = option.palette
        card = option.rect.adjusted(4, 4, -4, -4)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        if focused:  # the keyboard's place in the list: a ring, not only a tint
            painter.setPen(QPen(QColor(colour("focus")), 3))
        else:
            edge = palette.highlight().color() if selected else QColor(colour("separator"))
            painter.setPen(QPen(edge, 1))
        painter.setBrush(palette.alternateBase() if selected else palette.base())
        painter.drawRoundedRect(card, 8, 8)
        inner = card.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        y = self._draw_title(painter, option, inner, course.title)
        y = self._draw_line(painter, option, inner, y, meta_line(course), QColor(colour("muted")))
        marks = index.data(MarkersRole) or []
        if marks:
            link = QColor(colour("link"))
            y = self._draw_line(painter, option, inner, y, "   ".join(marks), link)
        self._draw_summary(
            painter,
            option,
            QRect(inner.left(), y, inner.width(), inner.bottom() - y),
            course.summary,
        )
        painter.restore()

    def _draw_title(
        self, painter: QPainter, option: QStyleOptionViewItem, box: QRect, title: str
    ) -> int:
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(option.palette.text().color())
        metrics = QFontMetrics(font)
        text = metrics.elidedText(title, Qt.TextElideMode.ElideRight, box.width())
        painter.drawText(box.left(), box.top() + metrics.ascent(), text)
        return box.top() + metrics.height() + 2

    def _draw_line(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        box: QRect,
        y: int,
        text: str,
        colour: QColor,
    ) -> int:
        painter.setFont(option.font)
        painter.setPen(colour)
        metrics = QFontMetrics(option.font)
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, box.width())
        painter.drawText(box.left(), y + metrics.ascent(), elided)
        return y + metrics.height() + 4

    def _draw_summary(
        self, painter: QPainter, option: QStyleOptionViewItem, box: QRect, summary: str
    ) -> None:
        painter.setFont(option.font)
        painter.setPen(option.palette.text().color())
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(box, int(flags), summary)
