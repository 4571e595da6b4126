"""Views refresh themselves from the event hub (issue 22): nothing relays, and an answer
read for a learner who has left never reaches the screen, whether the hand-over is told
before the answer arrives (the hub) or after it (``ForLearner.current``)."""

from __future__ import annotations

import threading

from companion.domain import CatalogEntry
from companion.services.home import CourseCard

from companion.ui.events import EventHub, ForLearner
from companion.ui.views.home import HomeController
from companion.ui.views.home_view import HomeView

CAMILLE = CourseCard("securite-chantier", "Sécurité", True, 1, 4, 0, 1, 60.0, "c2", "C2", True)


def home(qtbot, read):
    view = HomeView()
    qtbot.addWidget(view)
    events = EventHub(view)
    controller = HomeController(view, read, events, view)
    shown: list[list[str]] = []
    controller.shown.connect(lambda: shown.append([c.title for c in view.cards]))
    return events, controller, shown


def test_an_answer_read_before_a_hand_over_told_meanwhile_is_not_shown(qtbot):
    gate = threading.Event()
    reads: list[int] = []

    def read(_titles):
        reads.append(1)
        if len(reads) == 1:  # Camille's cards, still being read when she leaves
            gate.wait(5)
            return ForLearner([CAMILLE], lambda: True)
        return ForLearner([], lambda: True)

    events, controller, shown = home(qtbot, read)
    controller.refresh()
    events.learner_changed.emit()  # the hub says the learner changed
    gate.set()
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
    assert shown == [[]]  # read again for the one now here; Camille's never shown
    assert len(reads) == 2


def test_an_answer_for_a_learner_who_left_is_not_shown_even_before_the_hub_says_so(qtbot):
    reads: list[int] = []

    def read(_titles):
        reads.append(1)
        still_hers = len(reads) > 1  # the first answer: she left while it was read
        return ForLearner([] if still_hers else [CAMILLE], lambda: still_hers)

    _events, controller, shown = home(qtbot, read)
    controller.refresh()
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
    assert shown == [[]]
    assert len(reads) == 2


def test_the_titles_and_a_sync_reach_the_home_view_without_the_window(qtbot):
    """The catalogue's titles name the courses never opened here, on their cards, in place:
    the progress is not read again for them (issue 28: at start, the catalogue's arrival
    made a second full refresh). A sync reads it again."""
    titles_seen: list[dict[str, str]] = []
    never_opened = CAMILLE._replace(
        title="securite-chantier", outline_known=False, chapters_done=0, chapters=0
    )

    def read(titles):
        titles_seen.append(dict(titles))
        return ForLearner([never_opened], lambda: True)

    events, controller, shown = home(qtbot, read)
    controller.view.show()
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)  # shown: read once
    entry = CatalogEntry(
        "securite-chantier", "Sécurité sur les chantiers", "", "", "", "fr", 60, "1", 0, False
    )
    events.courses_known.emit([entry])
    assert [c.title for c in controller.view.cards] == ["Sécurité sur les chantiers"]
    assert controller.view.card_texts(0).accessible_name == "Open Sécurité sur les chantiers"
    qtbot.wait(50)
    assert len(titles_seen) == 1  # not read again for a title
    events.synced.emit()  # progress from another device: read again
    qtbot.waitUntil(lambda: len(shown) >= 2, timeout=5_000)
    assert titles_seen[-1] == {"securite-chantier": "Sécurité sur les chantiers"}
    assert [c.title for c in controller.view.cards] == ["Sécurité sur les chantiers"]
