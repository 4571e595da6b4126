"""The wallet's certificates as cards (issue 25: one line in a large empty list): an
emblem that says whether it is authentic (a mark and words, never colour alone), the
achievement, when it was issued, and the verdict in words. The list is as tall as its
cards, so one certificate is not lost in a white void."""

from __future__ import annotations

from typing import NamedTuple

from companion.ui.qt import (
    QFont,
    QFontMetrics,
    QListWidget,
    QModelIndex,
    QPainter,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
)
from companion.ui.theme import colour
from companion.ui.views.home_cards import draw_text, fitted, pen, rounded

CertificateRole = Qt.ItemDataRole.UserRole + 6
_Index = QModelIndex | QPersistentModelIndex


class CertificateCard(NamedTuple):
    achievement: str
    issued: str  # "issued on 6 Dec 2026"
    verdict: str  # in words
    authentic: bool


class CertificateCardDelegate(QStyledItemDelegate):
    PADDING, GAP, MARGIN = 12, 4, 4

    def _measure(self, font: QFont) -> tuple[QFont, int, int, int]:
        title_font = QFont(font)
        title_font.setBold(True)
        title_font.setPointSizeF(font.pointSizeF() * 1.1)
        title_line, line = QFontMetrics(title_font).lineSpacing(), QFontMetrics(font).lineSpacing()
        emblem = 2 * title_line + line  # a medal as tall as the title's two lines and one
        return title_font, title_line, line, emblem

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        _font, title_line, line, emblem = self._measure(option.font)
        texts = 2 * title_line + 2 * line + 2 * self.GAP
        return QSize(240, max(texts, emblem) + 2 * (self.PADDING + self.MARGIN))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        card = index.data(CertificateRole)
        if not isinstance(card, CertificateCard):
            super().paint(painter, option, index)
            return
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        title_font, title_line, line, emblem = self._measure(option.font)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = option.rect.adjusted(2, self.MARGIN, -2, -self.MARGIN)
        shape = rounded(box, 8)
        painter.fillPath(shape, palette.alternateBase())
        ring = colour("focus") if focused or selected else colour("separator")
        painter.strokePath(shape, pen(ring, 3 if focused else (2 if selected else 1)))
        medal = QRect(box.left() + self.PADDING, box.top() + self.PADDING, emblem, emblem)
        tone = colour("right" if card.authentic else "warning")
        painter.fillPath(rounded(medal, emblem / 2), palette.base())
        painter.strokePath(rounded(medal.adjusted(2, 2, -2, -2), emblem / 2 - 2), pen(tone, 3))
        mark_font = QFont(title_font)
        mark_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        mark = "✔" if card.authentic else "!"
        painter.setFont(mark_font)
        painter.setPen(pen(tone, 1))
        painter.drawText(medal, Qt.AlignmentFlag.AlignCenter, mark)
        left = medal.right() + 2 * self.PADDING
        width = box.right() - self.PADDING - left
        y = box.top() + self.PADDING
        for part in fitted(card.achievement, QFontMetrics(title_font), width, 2):
            draw_text(painter, title_font, left, y, part, palette.text())
            y += title_line
        y += self.GAP
        body = QFontMetrics(option.font)
        quiet = palette.placeholderText()
        for words, brush in ((card.issued, quiet), (card.verdict, palette.text())):
            for part in fitted(words, body, width, 1):
                draw_text(painter, option.font, left, y, part, brush)
            y += line + self.GAP
        painter.restore()


def certificate_list() -> QListWidget:
    shown = QListWidget()
    shown.setItemDelegate(CertificateCardDelegate(shown))
    shown.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    shown.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
    shown.setUniformItemSizes(True)
    shown.viewport().setAutoFillBackground(False)  # the cards on the window, not on white
    return shown


def fit_to_cards(shown: QListWidget, most: int = 3) -> None:
    """As tall as its cards, up to ``most`` of them (then it scrolls)."""
    rows = min(shown.count(), most)
    height = shown.sizeHintForRow(0) * rows if rows else 0
    frame = 2 * shown.frameWidth() + 4  # the focus ring's border
    shown.setFixedHeight(height + frame)
