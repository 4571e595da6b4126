"""The home screen's controller: reads the learner's courses and progress on a worker, from
this computer only, and shows them; goes to the chapter or the catalogue when asked."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from companion.domain import CatalogEntry
from companion.errors import describe
from companion.services.home import CourseCard, course_cards, save_snapshot

if TYPE_CHECKING:
    from companion.domain import CourseManifest
    from companion.services.progress import ProgressService

from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub, ForLearner
from companion.ui.qt import QObject, Signal
from companion.ui.views.home_view import HomeView

log = logging.getLogger("companion.ui")

# The titles known -> the learner's cards, read on a worker, and whether they are still theirs.
CardsReader = Callable[[Mapping[str, str]], ForLearner[list[CourseCard]]]


class HomeController(QObject):
    shown = Signal()  # the cards (or the empty state) are on screen; tests wait on it

    def __init__(
        self, view: HomeView, read_cards: CardsReader, events: EventHub, parent: QObject
    ) -> None:
        """``read_cards``: the learner's cards, read on a worker from this computer."""
        super().__init__(parent)
        self.view = view
        self.read_cards = read_cards
        self._titles: dict[str, str] = {}
        self._loading = False
        self._again = False  # asked again while loading: load once more after
        self._saved_shown = False  # the cards kept at the last start are on screen
        self._learner = 0  # bumped when the learner changes: older answers are theirs
        view.appeared.connect(self._appeared)
        events.learner_changed.connect(self.learner_changed)
        events.synced.connect(self._synced)  # progress from other devices
        events.courses_known.connect(self.set_titles)
        events.accounts_changed.connect(self._synced)  # a site account's courses came or went

    def show_saved(self, cards: list[CourseCard]) -> None:
        """At start: the cards this learner saw last time, painted before their progress
        file is opened. ``refresh`` reads them anew; the window calls it after the first
        paint, not when the view first appears."""
        self.view.show_cards(cards)
        self._saved_shown = True

    def _appeared(self) -> None:  # each time it is shown: progress may have moved
        if self._saved_shown:
            self._saved_shown = False  # this once, the window refreshes after its paint
            return
        self.refresh()

    def set_titles(self, courses: list[CatalogEntry]) -> None:
        """Titles from the catalogue, for courses never opened here (no saved outline):
        put on their cards in place. The progress is not read again for them (issue 28:
        the catalogue's arrival at start made a second full refresh)."""
        self._titles = {course.id: course.title for course in courses}
        if self.view.loaded and self.view.cards:
            self.view.show_cards(self._titled(self.view.cards))

    def _titled(self, cards: list[CourseCard]) -> list[CourseCard]:
        """A course never opened here is named as ``course_cards`` names it: by the
        catalogue's title, else its id (the titles may have come since it was read)."""
        return [
            card
            if card.outline_known
            else card._replace(title=self._titles.get(card.course_id) or card.course_id)
            for card in cards
        ]

    def learner_changed(self) -> None:
        """Nothing of the previous learner (or anonymous kiosk user) stays on screen."""
        self._learner += 1
        self.view.clear()
        self.refresh()

    def _synced(self) -> None:
        if self.view.isVisible():
            self.refresh()

    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        read, titles, learner = self.read_cards, dict(self._titles), self._learner
        run_in_background(
            self,
            lambda: read(titles),  # on a worker: no card is built there or here, rows only
            lambda cards: self._loaded(learner, cards),
            self._load_failed,
            local=True,
        )

    def _loaded(self, learner: int, cards: ForLearner[list[CourseCard]]) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()
            return
        if learner != self._learner or not cards.current():  # read for one who has left
            self.refresh()
            return
        self.view.show_cards(self._titled(cards.value))  # in place when the same courses
        self.shown.emit()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        message, hint, reference = describe(error)
        self.view.show_problem(message, hint, reference)
        self.shown.emit()


def keep_for_next_start(progress: ProgressService, cards: list[CourseCard]) -> None:
    if progress.folder is None:
        return  # studying on a kiosk without signing in: nothing is kept
    try:
        save_snapshot(progress.folder, cards)
    except OSError as error:  # a full or read-only disk: the next start waits for the file
        log.info("home view not kept for the next start: %s", error.strerror)


def read_cards(
    progress: ProgressService,
    manifest: Callable[[str], CourseManifest | None],
    titles: Mapping[str, str],
    sites: Mapping[str, ProgressService] | None = None,
) -> list[CourseCard]:
    """The learner's cards from their progress (and their site accounts' courses from
    theirs) and the saved outlines, kept for the next start's first paint (on a worker:
    SQLite and files)."""
    cards = course_cards(progress, manifest, titles, sites=sites)
    keep_for_next_start(progress, cards)
    return cards
