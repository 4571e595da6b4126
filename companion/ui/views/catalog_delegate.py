"""The delegate that draws each course of the catalogue as a card. Imported when the
catalogue is first shown: its Qt types (QStyle alone is 15 ms to set up) are not needed
for the window's first paint (issue 14)."""

from __future__ import annotations

from companion.domain import CatalogEntry

from companion.ui.qt import (
    QColor,
    QFont,
    QFontMetrics,
    QListView,
    QPainter,
    QPen,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
)
from companion.ui.theme import colour
from companion.ui.views.catalog_model import EntryRole, MarkersRole, _Index, meta_line


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
