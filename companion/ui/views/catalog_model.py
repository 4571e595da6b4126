"""The catalogue as a Qt list model, and the delegate that draws each course as a card."""

from __future__ import annotations

from typing import Any

from companion import formatting
from companion.domain import CatalogEntry

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
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    plain_tooltip,
)

EntryRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class CatalogModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self._courses: list[CatalogEntry] = []

    def set_courses(self, courses: list[CatalogEntry]) -> None:
        self.beginResetModel()
        self._courses = list(courses)
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
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return f"{course.title}. {meta_line(course)}. {course.summary}"
        if role == EntryRole:
            return course
        return None


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
        height = int(metrics.height() * 1.25) + metrics.height() * 3 + 3 * self.PADDING
        return QSize(max(320, option.rect.width()), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        course: CatalogEntry = index.data(EntryRole)
        painter.save()
        view = self.parent()
        selected = isinstance(view, QListView) and view.selectionModel().isSelected(index)
        palette = option.palette
        card = option.rect.adjusted(4, 4, -4, -4)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.highlight().color() if selected else QColor("#d5dde5"), 1))
        painter.setBrush(palette.alternateBase() if selected else palette.base())
        painter.drawRoundedRect(card, 8, 8)
        inner = card.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        y = self._draw_title(painter, option, inner, course.title)
        y = self._draw_line(painter, option, inner, y, meta_line(course), QColor("#4d5b69"))
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
