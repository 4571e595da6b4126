"""The library's courses as cards (issue 25: a bare list of titles looked like a developer
tool): each course's title, its site, how far the learner is, and what of it is on this
computer, painted by a delegate over the library's list, in the home view's manner."""

from __future__ import annotations

from typing import NamedTuple

from companion import formatting
from companion.i18n import _

from companion.ui.qt import (
    QFont,
    QFontMetrics,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QModelIndex,
    QPainter,
    QPersistentModelIndex,
    QProgressBar,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QWidget,
)
from companion.ui.theme import colour
from companion.ui.views.home_cards import draw_text, fitted, paint_bar, pen, rounded
from companion.ui.views.library_model import course_mark, course_state_words

CardRole = Qt.ItemDataRole.UserRole + 5
_Index = QModelIndex | QPersistentModelIndex


class LibraryCard(NamedTuple):
    """What a course's card says."""

    title: str
    site: str  # "" for the platform's own courses
    state: str  # OFFLINE, PARTIAL or anything else (nothing here yet)
    done: int  # chapters completed and quizzes passed
    total: int  # 0: the outline was never read here


def split_site(label: str) -> tuple[str, str]:
    """A site course is listed as "Title · Site": the two parts, for two lines."""
    title, dot, site = label.rpartition(" · ")
    return (title, site) if dot else (label, "")


def where_words(state: str) -> str:
    """What of the course is on this computer, mark and words (never the mark alone): the
    list's mark and its words for a screen reader, as a line of its own."""
    words = course_state_words(state)
    return course_mark(state) + words[:1].upper() + words[1:]


def progress_words(card: LibraryCard) -> str:
    if card.total == 0:
        return _("Open it to see its chapters")
    # Chapters read and quizzes passed, of all of them: the home view's count.
    return _("Progress: {done} of {total}").format(done=card.done, total=card.total)


class LibraryCardDelegate(QStyledItemDelegate):
    PADDING_X, PADDING_Y, GAP, BAR, MARGIN = 12, 8, 3, 6, 3

    def _fonts(self, font: QFont) -> tuple[QFont, int, int]:
        title_font = QFont(font)
        title_font.setBold(True)
        return title_font, QFontMetrics(title_font).lineSpacing(), QFontMetrics(font).lineSpacing()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        _title_font, title_line, line = self._fonts(option.font)
        texts = 2 * title_line + 3 * line + self.BAR + 4 * self.GAP
        return QSize(160, texts + 2 * (self.PADDING_Y + self.MARGIN))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        card = index.data(CardRole)
        if not isinstance(card, LibraryCard):
            super().paint(painter, option, index)
            return
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = option.rect.adjusted(2, self.MARGIN, -2, -self.MARGIN)
        shape = rounded(box, 6)
        painter.fillPath(shape, palette.highlight() if selected else palette.alternateBase())
        ring = colour("focus") if focused else colour("separator")
        painter.strokePath(shape, pen(ring, 3 if focused else 1))
        text = palette.highlightedText() if selected else palette.text()
        quiet = palette.highlightedText() if selected else palette.placeholderText()
        title_font, title_line, line = self._fonts(option.font)
        left, width = box.left() + self.PADDING_X, box.width() - 2 * self.PADDING_X
        y = box.top() + self.PADDING_Y
        metrics = QFontMetrics(option.font)
        for part in fitted(card.title, QFontMetrics(title_font), width, 2):
            draw_text(painter, title_font, left, y, part, text)
            y += title_line
        for part in fitted(card.site, metrics, width, 1):  # right under the title
            draw_text(painter, option.font, left, y + self.GAP, part, quiet)
        # From the bottom up: the bar, how far, what is here (cards of one height).
        y = box.bottom() - self.PADDING_Y - self.BAR
        if card.total:
            bar = QRect(left, y, width, self.BAR)
            paint_bar(painter, palette, bar, card.done / card.total, palette.link())
        for words in (progress_words(card), where_words(card.state)):
            y -= line + self.GAP
            for part in fitted(words, metrics, width, 1):
                draw_text(painter, option.font, left, y, part, text)
        painter.restore()


def card_list() -> QListWidget:
    """The list the library's courses are shown in, as cards of the list's width."""
    courses = QListWidget()
    courses.setItemDelegate(LibraryCardDelegate(courses))
    courses.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
    courses.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    courses.setUniformItemSizes(True)
    return courses


class StorageBar(QWidget):
    """How much of the learner's budget the courses use: a small bar and its words."""

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.label.setObjectName("ViewSubtitle")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedSize(120, 8)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.label, 1)

    def show_usage(self, used: int, budget: int) -> None:
        said = _("Course files use {used} of {budget}").format(
            used=formatting.size(used), budget=formatting.size(budget)
        )
        self.label.setText(said)
        self.bar.setValue(min(1000, round(1000 * used / budget)) if budget > 0 else 0)
        self.bar.setAccessibleName(_("Storage used by the courses"))
        self.bar.setAccessibleDescription(said)
