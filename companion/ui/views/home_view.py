"""The home screen: one card per course of the learner, with where they stand and a
button that goes back to the chapter they were reading; for a new learner, the way to
the catalogue. Thin: the HomeController loads what it shows; the cards are a list whose
rows are painted, not built (home_cards, issue 28)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.i18n import _
from companion.services.home import CourseCard

from companion.ui.qt import (
    Early,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QShowEvent,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    when_namespace_ready,
)
from companion.ui.widgets.focus import chrome_last, focus_inside

CARD_ROLE_NUMBER = 0x0100 + 1  # home_cards.CARD_ROLE, without importing it for an empty home

if TYPE_CHECKING:  # built when the first course is shown: an empty home needs none of it
    from companion.ui.views.home_cards import CardTexts, HomeCardList


class HomeView(QWidget):
    resume_requested = Signal(str, object)  # course id, chapter id (None: its outline)
    catalogue_requested = Signal()
    appeared = Signal()  # shown (again): the controller reads the progress anew

    def __init__(self) -> None:
        super().__init__()
        self.list: HomeCardList | None = None  # made with the first course shown
        self.loaded = False  # the learner's courses (or none) are on screen
        self.title = QLabel()
        self.title.setObjectName("ViewTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("ViewSubtitle")
        self.subtitle.setWordWrap(True)
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
        for page in (self.loading, self.empty_page):
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
        if self.list is not None:
            self.list.setAccessibleName(_("My courses"))
            self.list.delegate.forget_sizes()
            self.list.cards_model.retranslate()

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

    @property
    def cards(self) -> list[CourseCard]:
        """The cards on screen, in order."""
        return list(self.list.cards_model.cards) if self.list is not None else []

    def card_texts(self, row: int) -> CardTexts:
        """What the card in ``row`` says, as painted and as told to a screen reader."""
        assert self.list is not None
        return self.list.cards_model.texts(row)

    def show_cards(self, cards: list[CourseCard] | None) -> bool:
        """Shows ``cards`` (None: loading). True when the same courses were shown already
        and only what changed was redrawn, in place."""
        # The focus inside, or nowhere (it went to the loading page, which takes none).
        had_focus = focus_inside(self) or (self.isVisible() and QApplication.focusWidget() is None)
        self.loaded = cards is not None
        if cards is None:
            self.loading.setText(_("Loading your courses…"))
            self.pages.setCurrentWidget(self.loading)
            if self.list is not None:
                self.list.cards_model.set_cards([])
            return False
        if not cards:
            if self.list is not None:
                self.list.cards_model.set_cards([])
            self.pages.setCurrentWidget(self.empty_page)
            self.pages.update()  # painted again even when it was already shown
            if had_focus and self.browse.isVisible():
                self.browse.setFocus()
            return False
        cards_list = self._cards_list()
        current = cards_list.currentIndex().data(CARD_ROLE_NUMBER)
        in_place = cards_list.cards_model.set_cards(cards)
        self.pages.setCurrentWidget(cards_list)
        if not in_place:  # the same course as before keeps the keyboard's place
            row = cards_list.cards_model.row_of(current.course_id if current else None)
            cards_list.setCurrentIndex(cards_list.cards_model.index(max(row, 0)))
        if had_focus:
            cards_list.setFocus()
        return in_place

    def _cards_list(self) -> HomeCardList:
        if self.list is None:
            from companion.ui.views.home_cards import HomeCardList, HomeCardsModel

            self.list = HomeCardList(HomeCardsModel())
            self.list.resume_requested.connect(self.resume_requested)
            self.list.setAccessibleName(_("My courses"))
            self.pages.addWidget(self.list)
            # Tab: the cards before the status bar (issue 27); after the first paint, which
            # the cards kept from the last start are part of (Qt's namespace is not set up).
            window = self.window()
            when_namespace_ready(lambda: chrome_last(window))
        return self.list
