"""The course outline as a readable list (issue 25: three columns, squeezed to "Les pri…"
at large text): each chapter on two lines, its title with a mark of where the learner is,
and under it, in words, what of it is on this computer and the learner's progress. The
tree keeps those words in its columns 1 and 2 (hidden); this delegate paints them under the
title in column 0."""

from __future__ import annotations

from companion.ui.qt import (
    QFontMetrics,
    QModelIndex,
    QPainter,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
)
from companion.ui.views.home_cards import draw_text, fitted

_Index = QModelIndex | QPersistentModelIndex
PADDING = 4


def second_line(index: _Index) -> str:
    """What the hidden columns say of a chapter: "Téléchargé · Meilleur score : 67 %"."""
    words = [str(index.sibling(index.row(), column).data() or "") for column in (1, 2)]
    return " · ".join(word for word in words if word)


class OutlineDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        if not index.parent().isValid():  # a part: its title alone
            return QSize(hint.width(), hint.height() + 2 * PADDING)
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(hint.width(), 2 * line + 3 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        if not index.parent().isValid():
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget is not None else None
        text = option.text
        option.text = ""
        if style is not None:  # the selection and focus, as the style draws them
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        main = palette.highlightedText() if selected else palette.text()
        quiet = palette.highlightedText() if selected else palette.placeholderText()
        metrics = QFontMetrics(option.font)
        box = QRect(option.rect).adjusted(PADDING, PADDING, -PADDING, -PADDING)
        painter.save()
        for part in fitted(text, metrics, box.width(), 1):
            draw_text(painter, option.font, box.left(), box.top(), part, main)
        below = second_line(index)
        top = box.top() + metrics.lineSpacing() + PADDING
        for part in fitted(below, metrics, box.width(), 1):
            draw_text(painter, option.font, box.left(), top, part, quiet)
        painter.restore()


def show_as_list(outline: QTreeWidget) -> None:
    """The outline's columns 1 and 2 hidden, and said under each chapter's title."""
    outline.setItemDelegateForColumn(0, OutlineDelegate(outline))
    outline.setHeaderHidden(True)
    outline.setColumnHidden(1, True)
    outline.setColumnHidden(2, True)
