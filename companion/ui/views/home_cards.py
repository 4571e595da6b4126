"""The home view's course cards as a Qt list (issue 28): a model of the learner's cards, a
delegate that paints each one, and the list that shows them. Nothing is built per card:
the list asks for the cards it shows, all of one height computed once per font, so 2,000
courses cost what a screenful does; a new reading of the same courses changes the rows
that changed, in place. Imported when the first course is shown (an empty home needs none
of it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from companion import formatting
from companion.i18n import _
from companion.services.home import CourseCard

from companion.ui.qt import (
    QAbstractListModel,
    QColor,
    QFont,
    QFontMetrics,
    QFrame,
    QListView,
    QModelIndex,
    QPainter,
    QPainterPath,
    QPen,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QStyledItemDelegate,
    Signal,
    namespace_ready,
    plain_tooltip,
    when_namespace_ready,
)
from companion.ui.theme import colour
from companion.ui.words import progress_line

if TYPE_CHECKING:  # types only: each one made by PySide costs before the first paint
    from companion.ui.qt import (
        QBrush,
        QKeyEvent,
        QMouseEvent,
        QPersistentModelIndex,
        QStyleOptionViewItem,
    )

    _Index = QModelIndex | QPersistentModelIndex
# Qt's values as numbers: naming them through ``Qt`` would set up its namespace before the
# first paint (issue 14); tests/ui/test_qt_binding.py holds such numbers equal to Qt's.
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
ACCESSIBLE_TEXT_ROLE = 11
ACCESSIBLE_DESCRIPTION_ROLE = 12
CARD_ROLE = 0x0100 + 1
ACTIVATING_KEYS = {0x01000004, 0x01000005, 0x20}  # Return, Enter, Space
KEYPAD_MODIFIER = 0x20000000  # Qt.KeyboardModifier.KeypadModifier


def week_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes <= 0:
        return _("Not studied yet this week")
    return _("Studied this week: {time}").format(time=formatting.duration(minutes))


def finished(card: CourseCard) -> bool:
    total = card.chapters + card.quizzes
    done = card.chapters_done + card.quizzes_passed
    return card.outline_known and total > 0 and done >= total


class CardTexts(NamedTuple):
    """What a card says, on screen and to a screen reader."""

    title: str
    summary: str
    week: str
    next: str  # "" when there is no chapter to name
    button: str  # "Resume", "Start" or "Open"
    accessible_name: str  # the button's words with the course: "Resume <title>"
    done: int
    total: int
    show_bar: bool


def card_texts(card: CourseCard) -> CardTexts:
    total = card.chapters + card.quizzes
    done = card.chapters_done + card.quizzes_passed
    next_line = ""
    if not card.outline_known:
        summary = _("Open it to see its chapters (the first time, with a connection).")
        label, named = _("Open"), _("Open {course}")
    else:
        summary = progress_line(
            card.chapters_done, card.chapters, card.quizzes_passed, card.quizzes
        )
        if finished(card):  # said in words, the mark beside them
            summary = "✓ " + _("Course completed") + " · " + summary
        if card.started:
            label, named = _("Resume"), _("Resume {course}")
            where = _("Last read: {chapter}")
        else:
            label, named = _("Start"), _("Start {course}")
            where = _("To read first: {chapter}")
        if card.next_title:
            next_line = where.format(chapter=card.next_title)
    return CardTexts(
        card.title,
        summary,
        week_text(card.seconds_this_week),
        next_line,
        label,
        named.format(course=card.title),
        done,
        max(total, 1),
        card.outline_known and total > 0,
    )


class HomeCardsModel(QAbstractListModel):
    """The learner's cards, one row each; their words made when first asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[CourseCard] = []
        self._texts: dict[int, CardTexts] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        return 0 if parent.isValid() else len(self.cards)

    def texts(self, row: int) -> CardTexts:
        found = self._texts.get(row)
        if found is None:
            found = self._texts[row] = card_texts(self.cards[row])
        return found

    def data(self, index: _Index, role: int = DISPLAY_ROLE) -> Any:
        row = index.row()
        if not index.isValid() or row >= len(self.cards):
            return None
        if role == CARD_ROLE:
            return self.cards[row]
        texts = self.texts(row)
        if role == DISPLAY_ROLE:
            return texts.title
        if role == ACCESSIBLE_TEXT_ROLE:  # what the screen reader says of the card
            return texts.accessible_name
        if role == ACCESSIBLE_DESCRIPTION_ROLE:
            return " · ".join(t for t in (texts.summary, texts.week, texts.next) if t)
        if role == TOOLTIP_ROLE:
            return plain_tooltip("\n".join(t for t in (texts.title, texts.next) if t))
        return None

    def set_cards(self, cards: list[CourseCard]) -> bool:
        """Shows ``cards``. The same courses in the same order (progress moved, the view
        shown again): only the rows that changed are told, in place, and True is returned;
        otherwise the rows are replaced (a reset: nothing is built per row)."""
        if [c.course_id for c in cards] == [c.course_id for c in self.cards]:
            for row, (old, new) in enumerate(zip(self.cards, cards, strict=True)):
                if old != new:
                    self.cards[row] = new
                    self._texts.pop(row, None)
                    self.dataChanged.emit(self.index(row), self.index(row))
            return True
        self.beginResetModel()
        self.cards = list(cards)
        self._texts = {}
        self.endResetModel()
        return False

    def retranslate(self) -> None:
        self._texts = {}
        if self.cards:
            self.dataChanged.emit(self.index(0), self.index(len(self.cards) - 1))

    def row_of(self, course_id: str | None) -> int:
        return next((r for r, c in enumerate(self.cards) if c.course_id == course_id), -1)


class _Geometry(NamedTuple):
    """A card's measures for one font: the same for every card (computed once)."""

    title_font: QFont
    line: int  # the body font's line spacing
    title_line: int
    button: QSize
    height: int


class HomeCardDelegate(QStyledItemDelegate):
    """Paints a card: its title (two lines at most), its progress in words and as a bar,
    the time studied this week, the chapter it goes on with, and its button."""

    MARGIN = 5  # above and below each card: 10 between two
    PADDING_X, PADDING_Y = 16, 12
    GAP = 4
    BAR = 8

    def __init__(self, parent: QListView) -> None:
        super().__init__(parent)
        self._geometry: dict[str, _Geometry] = {}

    def geometry(self, font: QFont) -> _Geometry:
        key = font.key()
        found = self._geometry.get(key)
        if found is None:
            found = self._geometry[key] = self._measure(font)
        return found

    def _measure(self, font: QFont) -> _Geometry:
        title_font = QFont(font)
        title_font.setPointSizeF(font.pointSizeF() * 1.15)
        title_font.setBold(True)
        metrics, title_metrics = QFontMetrics(font), QFontMetrics(title_font)
        line, title_line = metrics.lineSpacing(), title_metrics.lineSpacing()
        words = (_("Resume"), _("Start"), _("Open"))
        button = QSize(
            max(metrics.horizontalAdvance(w) for w in words) + 32, int(metrics.height() * 1.9)
        )
        texts = 2 * title_line + 3 * line + self.BAR + 4 * self.GAP
        height = max(texts, button.height()) + 2 * (self.PADDING_Y + self.MARGIN)
        return _Geometry(title_font, line, title_line, button, height)

    def forget_sizes(self) -> None:
        """The words of the buttons changed (another language): measured again."""
        self._geometry = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        # The narrowest card: the list stretches each one to its width.
        return QSize(320, self.geometry(option.font).height)

    def card_rect(self, rect: QRect) -> QRect:
        return rect.adjusted(2, self.MARGIN, -2, -self.MARGIN)

    def button_rect(self, rect: QRect, font: QFont) -> QRect:
        size = self.geometry(font).button
        card = self.card_rect(rect)
        return QRect(
            card.right() - self.PADDING_X - size.width(),
            card.top() + (card.height() - size.height()) // 2,
            size.width(),
            size.height(),
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        # Drawn with paths and brushes of the palette only, never ``option.state``, a pen
        # given to the painter nor a colour to a brush: each would set up QStyle or Qt's
        # namespace before the window's first paint (45-60 ms, issue 14). Text is drawn as
        # a path until then, as text (hinted) after.
        model, view = index.model(), self.parent()
        if not isinstance(model, HomeCardsModel) or not isinstance(view, QListView):
            return
        texts = model.texts(index.row())
        geometry = self.geometry(option.font)
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = self.card_rect(option.rect)
        focused = view.hasFocus() and view.currentIndex().row() == index.row()
        outline = rounded(card, 8)
        painter.fillPath(outline, palette.alternateBase())
        # The keyboard's place in the list: a ring, not only a tint.
        painter.strokePath(
            outline, pen(colour("focus") if focused else colour("separator"), 3 if focused else 1)
        )
        button = self.button_rect(option.rect, option.font)
        left = card.left() + self.PADDING_X
        width = button.left() - 12 - left
        y = card.top() + self.PADDING_Y
        title = fitted(texts.title, QFontMetrics(geometry.title_font), width, 2)
        for line in title:
            draw_text(painter, geometry.title_font, left, y, line, palette.text())
            y += geometry.title_line
        y = card.top() + self.PADDING_Y + 2 * geometry.title_line + self.GAP
        metrics = QFontMetrics(option.font)
        for text, brush, bar_after in (
            (texts.summary, palette.text(), True),
            (texts.week, palette.placeholderText(), False),
            (texts.next, palette.placeholderText(), False),
        ):
            for line in fitted(text, metrics, width, 1):
                draw_text(painter, option.font, left, y, line, brush)
            y += geometry.line + self.GAP
            if bar_after:
                if texts.show_bar:
                    self._bar(
                        painter, option, QRect(left, y, width, self.BAR), texts.done / texts.total
                    )
                y += self.BAR + self.GAP
        self._button(painter, option, button, texts.button, index.row() == 0)
        painter.restore()

    def _bar(
        self, painter: QPainter, option: QStyleOptionViewItem, box: QRect, ratio: float
    ) -> None:
        paint_bar(painter, option.palette, box, ratio, option.palette.highlight())

    def _button(
        self, painter: QPainter, option: QStyleOptionViewItem, box: QRect, text: str, primary: bool
    ) -> None:
        """The screen's one primary action (the course studied last) filled with the
        highlight; the others as the theme's buttons are."""
        palette = option.palette
        shape = rounded(box, 6)
        painter.fillPath(shape, palette.highlight() if primary else palette.button())
        painter.strokePath(shape, pen(colour("highlight" if primary else "separator"), 1))
        metrics = QFontMetrics(option.font)
        x = box.left() + (box.width() - metrics.horizontalAdvance(text)) // 2
        y = box.top() + (box.height() - metrics.height()) // 2
        draw_text(
            painter,
            option.font,
            x,
            y,
            text,
            palette.highlightedText() if primary else palette.buttonText(),
        )


def paint_bar(painter: QPainter, palette: Any, box: QRect, ratio: float, fill: QBrush) -> None:
    """A progress bar on a card: its track edged at 3:1 on the window (issue 27: the
    separator's grey was 1.4:1), ``ratio`` of it filled."""
    radius = box.height() / 2
    track = rounded(box, radius)
    painter.fillPath(track, palette.base())
    painter.strokePath(track, pen(colour("bar_border"), 1))
    if ratio > 0:
        width = max(int(box.width() * min(ratio, 1.0)), box.height())
        painter.fillPath(rounded(QRect(box.left(), box.top(), width, box.height()), radius), fill)


def rounded(rect: QRect, radius: float) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(QRectF(rect), radius, radius)
    return path


def pen(name_or_colour: str, width: int) -> QPen:
    made = QPen()
    made.setColor(QColor(name_or_colour))
    made.setWidth(width)
    return made


def draw_text(
    painter: QPainter, font: QFont, left: int, top: int, text: str, brush: QBrush
) -> None:
    baseline = top + QFontMetrics(font).ascent()
    if namespace_ready():
        painter.setFont(font)
        painter.setPen(brush.color())
        painter.drawText(left, baseline, text)
        return
    path = QPainterPath()  # before the first paint: no pen given to the painter
    path.addText(QPointF(left, baseline), font, text)
    painter.fillPath(path, brush)


def fitted(text: str, metrics: QFontMetrics, width: int, lines: int) -> list[str]:
    """``text`` cut at spaces into at most ``lines`` lines of ``width``; the last one
    shortened with "…" when the rest does not fit (the whole text is the card's tooltip and
    part of its accessible name)."""
    words, out = text.split(), list[str]()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and metrics.horizontalAdvance(line + " " + words[0]) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if out and (words or metrics.horizontalAdvance(out[-1]) > width):
        last = out[-1] + (" " + " ".join(words) if words else "")
        while last and metrics.horizontalAdvance(last + "…") > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


class HomeCardList(QListView):
    """The cards, reached with Tab as one list: arrows go from card to card, Enter or Space
    opens the card's chapter (its button with the mouse, or a double click)."""

    resume_requested = Signal(str, object)  # course id, chapter id (None: its outline)

    def __init__(self, model: HomeCardsModel) -> None:
        super().__init__()
        self.setObjectName("HomeCourses")
        self.setModel(model)
        self.cards_model = model
        self.delegate = HomeCardDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setUniformItemSizes(True)  # one height, computed once: no row is measured
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # cards follow the window's width
        self.setSelectionMode(QListView.SelectionMode.NoSelection)  # the focus ring says
        self.doubleClicked.connect(self._resume)
        when_namespace_ready(self._repaint)  # its text drawn as text from then

    def _repaint(self) -> None:
        self.viewport().update()  # not asked for before: its first call costs 10 ms

    def button_rect(self, row: int) -> QRect:
        """Where the card's button is painted, in the viewport."""
        rect = self.visualRect(self.cards_model.index(row))
        return self.delegate.button_rect(rect, self.font())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's API
        key = event.key()  # an int from PySide6 (Qt's is an int too)
        code = int(getattr(key, "value", key))
        held: int = getattr(event.modifiers(), "value", 0) & ~KEYPAD_MODIFIER  # keypad Enter too
        if code in ACTIVATING_KEYS and self.currentIndex().isValid() and not held:
            self._resume(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's API
        position = event.position().toPoint()
        index = self.indexAt(position)
        super().mouseReleaseEvent(event)
        if index.isValid() and self.button_rect(index.row()).contains(position):
            self._resume(index)

    def _resume(self, index: _Index) -> None:
        card: CourseCard | None = index.data(CARD_ROLE)
        if card is not None:
            self.resume_requested.emit(card.course_id, card.next_chapter)
