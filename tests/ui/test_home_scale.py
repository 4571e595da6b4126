"""Issue 28: the home view builds in time proportional to what is visible. With 200
courses the old view stalled the GUI thread (every batch of card widgets re-laid out the
wrapped text of all the cards before it), and each visit to "Accueil" rebuilt them all."""

from __future__ import annotations

from companion.services.home import CourseCard
from tests.bench.lag_probe import LagProbe, run_until, settle
from tests.ui.conftest import refreshed

from companion.ui.events import ForLearner

TITLE = "Les bases de la sécurité sur un chantier, pour les métiers du bâtiment et des travaux"


def many(count: int, done: int = 1) -> list[CourseCard]:
    return [
        CourseCard(f"c{n}", f"{TITLE} {n}", True, done, 12, 0, 3, 600.0, "ch", "Chapitre 2", True)
        for n in range(count)
    ]


def test_two_hundred_courses_never_stall_the_gui_thread(platform_env, make_window, qtbot):
    """In the window, with its theme: the cards read (on a worker) and shown, shown again
    ("Accueil" after another tab), read again after a sync that moved one course's progress,
    the window made narrower, and "Accueil" once more: never 200 ms without the event loop
    turning. The old view, card widgets added a few at a time, stalled 200-310 ms here."""
    window = make_window()
    window.resize(1100, 800)
    home = window.home_view
    qtbot.waitUntil(lambda: home.loaded, timeout=10_000)  # the learner's own: none
    reads = [many(200), many(200), [*many(199), *many(1, done=2)]]
    reads[2][-1] = reads[2][-1]._replace(course_id="c199")
    answers = iter([*reads, *[reads[-1]] * 10])
    window.home.read_cards = lambda _titles: ForLearner(next(answers), lambda: True)
    shown: list[int] = []
    window.home.shown.connect(lambda: shown.append(1))
    settle(100)
    probe = LagProbe().start()
    window.home.refresh()  # 200 courses
    run_until(lambda: bool(shown) and len(home.cards) == 200)
    settle(300)  # what the build queued: layouts, paints
    window.tabs.setCurrentIndex(1)  # another tab, then back to "Accueil"
    settle(100)
    window.tabs.setCurrentWidget(home)
    run_until(lambda: len(shown) == 2)
    settle(300)
    window.home.refresh()  # a sync brought progress from another device
    run_until(lambda: len(shown) == 3)
    settle(300)
    window.resize(800, 800)
    settle(300)
    window.tabs.setCurrentIndex(1)  # and once more to another tab and back
    settle(100)
    window.tabs.setCurrentWidget(home)
    run_until(lambda: len(shown) == 4)
    settle(300)
    longest = probe.stop()
    assert longest < 200, f"the GUI thread stalled {longest:.0f} ms"


def test_coming_back_to_the_home_view_changes_only_what_moved(platform_env, make_window, qtbot):
    """Issue 28: every visit to "Accueil" (and every sync) rebuilt every card (12 s at 500
    courses). The same courses read again: the rows stay, only the one that moved is told."""
    window = make_window()
    home = window.home_view
    qtbot.waitUntil(lambda: home.loaded, timeout=10_000)
    moved = many(200)
    moved[7] = moved[7]._replace(chapters_done=5)
    answers = iter([many(200), many(200), moved])
    window.home.read_cards = lambda _titles: ForLearner(next(answers), lambda: True)
    with qtbot.waitSignal(window.home.shown, timeout=10_000):
        window.home.refresh()
    model = home.list.model()
    resets: list[int] = []
    changed: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(
        lambda first, last, *_: changed.extend(range(first.row(), last.row() + 1))
    )
    window.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(window.home.shown, timeout=10_000):
        window.tabs.setCurrentWidget(home)  # back to "Accueil": read again, same figures
    assert resets == [] and changed == []
    with qtbot.waitSignal(window.home.shown, timeout=10_000):
        window.home.refresh()  # a sync: one course moved
    assert resets == [] and changed == [7]
    assert home.card_texts(7).summary.startswith("5 chapitres terminés sur 12")


def test_the_home_view_is_read_once_at_start(platform_env, make_window, qtbot, monkeypatch):
    """Issue 28: the catalogue's arrival at start queued a second full read of the home
    view; its titles now go to the cards of courses never opened, in place."""
    from companion.ui.views import home

    reads: list[int] = []
    read = home.read_cards

    def counted(*args, **kwargs):
        reads.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(home, "read_cards", counted)
    window = make_window()
    qtbot.waitUntil(lambda: window.home_view.loaded, timeout=10_000)
    refreshed(qtbot, window)  # the catalogue comes
    qtbot.wait(300)
    assert reads == [1]


def test_the_cards_answer_the_keyboard_and_show_where_it_is(platform_env, make_window, qtbot):
    """Tab reaches the cards; the one with the keyboard's place is drawn with the focus
    ring; arrows move it; Enter (as Space) opens that card's chapter."""
    from companion.ui.qt import QColor, Qt
    from companion.ui.theme import colour

    window = make_window()
    window.resize(1100, 800)
    home = window.home_view
    qtbot.waitUntil(lambda: home.loaded, timeout=10_000)
    home.show_cards(many(5))
    cards = home.list
    cards.setFocus()
    qtbot.waitUntil(cards.hasFocus)
    qtbot.keyClick(cards, Qt.Key.Key_Down)
    assert cards.currentIndex().row() == 1
    image = cards.viewport().grab().toImage()
    ring = QColor(colour("focus")).rgb()

    def ring_pixels(row: int) -> int:
        rect = cards.visualRect(cards.model().index(row))
        return sum(
            image.pixel(x, rect.center().y()) == ring
            for x in range(rect.left(), min(rect.right(), image.width() - 1))
        )

    assert ring_pixels(1) > 0 and ring_pixels(0) == 0  # focus visible, on that card only
    with qtbot.waitSignal(home.resume_requested) as asked:
        qtbot.keyClick(cards, Qt.Key.Key_Return)
    assert asked.args == ["c1", "ch"]
    assert cards.accessibleName() == "Mes cours"


def test_the_numbers_the_cards_use_are_qts(qapp):
    """The cards name Qt's values as numbers (naming them through ``Qt`` would set up its
    namespace before the first paint): they must be Qt's."""
    from companion.ui.qt import Qt
    from companion.ui.views import home_cards, home_view

    role = Qt.ItemDataRole
    assert role.DisplayRole.value == home_cards.DISPLAY_ROLE
    assert role.ToolTipRole.value == home_cards.TOOLTIP_ROLE
    assert role.AccessibleTextRole.value == home_cards.ACCESSIBLE_TEXT_ROLE
    assert role.AccessibleDescriptionRole.value == home_cards.ACCESSIBLE_DESCRIPTION_ROLE
    assert home_cards.CARD_ROLE == home_view.CARD_ROLE_NUMBER == role.UserRole.value + 1
    keys = {Qt.Key.Key_Return.value, Qt.Key.Key_Enter.value, Qt.Key.Key_Space.value}
    assert keys == home_cards.ACTIVATING_KEYS
    assert Qt.KeyboardModifier.KeypadModifier.value == home_cards.KEYPAD_MODIFIER


def test_keypad_enter_opens_the_card_too(qtbot):
    from companion.ui.qt import Qt
    from companion.ui.views.home_view import HomeView

    view = HomeView()
    qtbot.addWidget(view)
    view.show()
    view.show_cards(many(3))
    assert view.list is not None
    view.list.setCurrentIndex(view.list.model().index(2, 0))
    with qtbot.waitSignal(view.resume_requested) as asked:
        qtbot.keyClick(view.list, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert asked.args == ["c2", "ch"]
