"""The home screen: one card per course of the learner, with where they stand and a
button that goes back to the chapter they were reading; for a new learner, the way to
the catalogue. Thin: the HomeController loads what it shows."""

from __future__ import annotations

from companion import formatting
from companion.i18n import _
from companion.services.home import CourseCard

from companion.ui.qt import (
    Early,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QShowEvent,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    plain_tooltip,
)
from companion.ui.widgets.focus import focus_inside
from companion.ui.words import progress_line

FIRST_CARDS = 8  # built before the home view paints: more than a screen shows
LATER_CARDS = 6  # then this many per turn of the event loop, which stays responsive


def week_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes <= 0:
        return _("Not studied yet this week")
    return _("Studied this week: {time}").format(time=formatting.duration(minutes))


def finished(card: CourseCard) -> bool:
    total = card.chapters + card.quizzes
    done = card.chapters_done + card.quizzes_passed
    return card.outline_known and total > 0 and done >= total


class CourseCardWidget(QFrame):
    """One course: its title, progress in words and as a bar, and its one action."""

    resume_requested = Signal(str, object)  # course id, chapter id (None: the outline)

    def __init__(self, card: CourseCard, parent: QWidget) -> None:
        super().__init__(parent)  # never a window of its own, even for a moment
        self.card = card
        self.setObjectName("CourseCard")
        self.title = QLabel(card.title)  # the platform's words: shown as written
        self.title.setObjectName("CardTitle")
        self.title.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.week = QLabel()
        self.week.setObjectName("ViewSubtitle")
        self.next = QLabel()
        self.next.setObjectName("ViewSubtitle")
        self.next.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)  # the words above say it; the bar is a glance
        self.bar.setFixedHeight(8)
        self.bar.setProperty("focusPolicy", Early.NO_FOCUS)
        total = card.chapters + card.quizzes
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(card.chapters_done + card.quizzes_passed)
        self.button = QPushButton()
        self.button.clicked.connect(
            lambda: self.resume_requested.emit(card.course_id, card.next_chapter)
        )
        texts = QVBoxLayout()
        texts.setSpacing(4)
        for widget in (self.title, self.summary, self.bar, self.week, self.next):
            texts.addWidget(widget)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 12, 16, 12)
        row.addLayout(texts, 1)
        row.addSpacing(12)
        row.addWidget(self.button)  # a fixed-height button: centred in the row
        # Only once laid out: a widget made visible with no parent is a window of its own
        # (the bar once opened as one and took the focus from the main window).
        self.bar.setVisible(card.outline_known and total > 0)
        self.retranslate()

    def retranslate(self) -> None:
        card = self.card
        if not card.outline_known:
            self.summary.setText(
                _("Open it to see its chapters (the first time, with a connection).")
            )
            label, named = _("Open"), _("Open {course}")
        else:
            line = progress_line(
                card.chapters_done, card.chapters, card.quizzes_passed, card.quizzes
            )
            if finished(card):  # said in words, the mark beside them
                line = "✓ " + _("Course completed") + " · " + line
            self.summary.setText(line)
            if card.started:
                label, named = _("Resume"), _("Resume {course}")
                where = _("Last read: {chapter}")
            else:
                label, named = _("Start"), _("Start {course}")
                where = _("To read first: {chapter}")
            self.next.setText(where.format(chapter=card.next_title))
        self.next.setVisible(card.outline_known and bool(card.next_title))
        self.week.setText(week_text(card.seconds_this_week))
        self.bar.setAccessibleName(_("Progress in {course}").format(course=card.title))
        self.button.setText(label)
        self.button.setAccessibleName(named.format(course=card.title))
        hint = self.next.text() if card.outline_known and card.next_title else ""
        self.button.setAccessibleDescription(hint)
        self.button.setToolTip(plain_tooltip(hint))

    def make_primary(self, primary: bool) -> None:
        """Before the card is first shown: its style (polished at that show) follows."""
        self.button.setObjectName("PrimaryButton" if primary else "")


class HomeView(QWidget):
    resume_requested = Signal(str, object)  # course id, chapter id (None: its outline)
    catalogue_requested = Signal()
    appeared = Signal()  # shown (again): the controller reads the progress anew

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[CourseCardWidget] = []
        self._shown_cards = 0  # how many times cards were shown: later batches check it
        self.loaded = False  # the learner's courses (or none) are on screen
        self.title = QLabel()
        self.title.setObjectName("ViewTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("ViewSubtitle")
        self.subtitle.setWordWrap(True)
        self._column = QVBoxLayout()
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(10)
        content = self._content = QWidget()
        outer = QVBoxLayout(content)
        outer.setContentsMargins(0, 0, 8, 0)
        # Never smaller than its cards need: cards added after the first paint otherwise
        # showed squeezed, text over text, until the scroll area caught up.
        outer.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        outer.addLayout(self._column)
        outer.addStretch(1)
        self.courses_area = QScrollArea()
        self.courses_area.setObjectName("HomeCourses")
        self.courses_area.setWidgetResizable(True)
        self.courses_area.setFrameShape(QFrame.Shape.NoFrame)
        self.courses_area.setWidget(content)
        # Tab goes to the buttons inside.
        self.courses_area.setProperty("focusPolicy", Early.NO_FOCUS)
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_text.setProperty("alignment", Early.ALIGN_CENTER)
        self.empty_text.setMaximumWidth(560)  # a short paragraph, not one line across
        self.browse = QPushButton()
        self.browse.setObjectName("PrimaryButton")
        self.browse.clicked.connect(self.catalogue_requested)
        self.empty = QWidget()
        empty_column = QVBoxLayout(self.empty)
        empty_column.addStretch(1)
        # Between stretches rather than aligned: an aligned wrapped label is given its one-
        # line size and its second line was cut off (seen in the dark theme's screenshot).
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.empty_text, 4)
        centred.addStretch(1)
        empty_column.addLayout(centred)
        empty_column.addSpacing(12)
        button_row = QHBoxLayout()  # centred between stretches
        button_row.addStretch(1)
        button_row.addWidget(self.browse)
        button_row.addStretch(1)
        empty_column.addLayout(button_row)
        empty_column.addStretch(2)
        self.loading = QLabel()
        self.loading.setProperty("alignment", Early.ALIGN_CENTER)
        self.pages = QStackedWidget()
        # Scrolls when the text is large and the screen small (200 % on 1024x600 cut it).
        self.empty_page = QScrollArea()
        self.empty_page.setWidgetResizable(True)
        self.empty_page.setFrameShape(QFrame.Shape.NoFrame)
        self.empty_page.setWidget(self.empty)
        self.empty_page.setProperty("focusPolicy", Early.NO_FOCUS)
        for page in (self.loading, self.empty_page, self.courses_area):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(8)
        layout.addWidget(self.pages, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Home"))
        self.subtitle.setText(
            _("Your courses and your progress, saved on this computer: all of it works offline.")
        )
        self.loading.setText(_("Loading your courses…"))
        self.empty_text.setText(
            _(
                "You have no course yet. Choose one in the catalogue: it comes here, with "
                "your progress and a button to go back to where you stopped."
            )
        )
        self.browse.setText(_("Browse the catalogue"))
        self.courses_area.setAccessibleName(_("My courses"))
        for card in self.cards:
            card.retranslate()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's API
        super().showEvent(event)
        self.appeared.emit()

    def show_problem(self, message: str, hint: str, reference: str) -> None:
        self.show_cards(None)
        text = "\n".join(part for part in (message, hint) if part)
        if reference:
            text += "\n" + _("Reference: {reference}").format(reference=reference)
        self.loading.setText(text)

    def clear(self) -> None:
        """Nothing of a learner who left stays on screen while the next one's loads."""
        self.show_cards(None)

    def show_cards(self, cards: list[CourseCard] | None) -> None:
        # The focus inside, or nowhere (it went to the loading page, which takes none).
        had_focus = focus_inside(self) or (self.isVisible() and QApplication.focusWidget() is None)
        focused = next((c.card.course_id for c in self.cards if c.button.hasFocus()), None)
        self._shown_cards += 1  # cards still to add for an earlier call are dropped
        for widget in self.cards:
            self._column.removeWidget(widget)
            widget.deleteLater()
        self.cards = []
        self.loaded = cards is not None
        if cards is None:
            self.loading.setText(_("Loading your courses…"))
            self.pages.setCurrentWidget(self.loading)
        elif not cards:
            self.pages.setCurrentWidget(self.empty_page)
            self.pages.update()  # painted again even when it was already shown
        else:
            self.pages.setCurrentWidget(self.courses_area)
            # More than a screen holds at once; the others once those are painted, a few
            # at a time: 50 courses took 250 ms to build before the first paint (issue 14).
            self._add_cards(cards[:FIRST_CARDS])
            if len(cards) > FIRST_CARDS:
                self._add_later(cards[FIRST_CARDS:], self._shown_cards, had_focus, focused)
                return
        self._restore_focus(had_focus, focused)

    def _add_cards(self, cards: list[CourseCard]) -> None:
        for card in cards:
            widget = CourseCardWidget(card, self._content)
            if not self.cards:  # one obvious action: the course studied last
                widget.make_primary(True)
            widget.resume_requested.connect(self.resume_requested)
            self._column.addWidget(widget)
            self.cards.append(widget)
            widget.show()  # now, not at the layout's next turn: focus may go there

    def _add_later(
        self, cards: list[CourseCard], shown: int, had_focus: bool, focused: str | None
    ) -> None:
        def add() -> None:
            if shown != self._shown_cards:
                return  # shown anew meanwhile (another learner, a refresh)
            self._add_cards(cards[:LATER_CARDS])
            if len(cards) > LATER_CARDS:
                self._add_later(cards[LATER_CARDS:], shown, had_focus, focused)
            else:
                self._restore_focus(had_focus, focused)

        QTimer.singleShot(0, self, add)

    def _restore_focus(self, had_focus: bool, focused: str | None) -> None:
        if had_focus:  # the widget that had it may be gone: the same course's, or the first
            # (chosen here: new buttons sit at the end of the window's focus chain)
            again = next((c.button for c in self.cards if c.card.course_id == focused), None)
            first = self.cards[0].button if self.cards else self.browse
            target = again or first
            if target.isVisible():
                target.setFocus(Qt.FocusReason.OtherFocusReason)
