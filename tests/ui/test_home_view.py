"""The home view (issue 13): each course's progress and "Reprendre"; the way to the catalogue
for a new learner; nothing of a learner who left; and a new certificate announced above the
tabs when the learner is not in the wallet."""

from __future__ import annotations

import itertools
import time
from datetime import datetime

from companion.domain import parse_manifest
from companion.services.home import week_start
from companion.services.learners import Learner
from tests.integration.test_certificates import COURSE, earn
from tests.ui.conftest import refreshed, signed_in_from_account_tab

from companion.ui.qt import QLabel, Qt

TITLE = "Les bases de la sécurité sur un chantier"


def home_texts(window) -> list[str]:
    home = window.home_view
    cards = [home.card_texts(row).title for row in range(len(home.cards))]
    return [label.text() for label in home.findChildren(QLabel)] + cards


def test_the_empty_home_shows_its_whole_text(platform_env, make_window, qtbot):
    """Seen in the dark theme's screenshot: the wrapped text was given one line's height,
    its second line cut off."""
    window = make_window()
    window.resize(1280, 800)
    home = window.home_view
    qtbot.waitUntil(lambda: home.browse.isVisible(), timeout=10_000)
    qtbot.wait(100)  # laid out
    text = home.empty_text
    assert text.height() >= text.heightForWidth(text.width())
    assert text.height() > text.fontMetrics().lineSpacing() * 1.5  # more than one line


def test_a_new_learner_is_shown_the_way_to_the_catalogue(platform_env, make_window, qtbot):
    window = make_window()
    home = window.home_view
    assert window.tabs.currentWidget() is home  # the first tab, shown at start
    assert window.tabs.tabText(0) == "Accueil"
    qtbot.waitUntil(lambda: home.browse.isVisible(), timeout=10_000)
    assert "catalogue" in home.empty_text.text()
    assert home.cards == []
    qtbot.mouseClick(home.browse, Qt.MouseButton.LeftButton)
    assert window.current_tab() == "catalogue"


def started_course(window, sample_content):
    """A course added on this computer, its first chapter read, the second one open last,
    and a quarter of an hour studied today."""
    context = window.context
    context.library().add_course(COURSE)
    context.library().update_manifest(COURSE)
    course = parse_manifest(sample_content.courses[COURSE].manifest)
    first, second = course.parts[0].chapters[:2]
    progress = context.progress()
    progress.complete_chapter(COURSE, first, course)
    # Begun this week even just after Monday 00:00 (a session counts in the week it began:
    # "now less 15 min" failed a fresh-clone run at 00:07 on a Monday).
    this_week = week_start(datetime.now().astimezone()).timestamp()
    progress.record_study(COURSE, first, 900, course, started_at=max(time.time() - 900, this_week))
    progress.save_position(COURSE, second.id, 0.0)
    return second


def test_resume_on_the_home_view_opens_the_chapter_read_last(
    platform_env, make_window, qtbot, sample_content
):
    window = make_window()
    second = started_course(window, sample_content)
    home = window.home_view
    window.home.refresh()
    qtbot.waitUntil(lambda: len(home.cards) == 1, timeout=10_000)
    card = home.card_texts(0)
    assert card.title == TITLE
    assert card.summary == "1 chapitre terminé sur 4 · 0 quiz réussi sur 2"
    assert card.week == "Étudié cette semaine : 15 min"
    assert card.next == f"Dernière lecture : {second.title}"
    assert card.button == "Reprendre"
    assert card.accessible_name == f"Reprendre {TITLE}"
    assert spoken(home, 0) == f"Reprendre {TITLE}"  # what the screen reader says of it
    assert card.show_bar and card.done == 1 and card.total == 6
    assert not window.tab_built("library")  # the library is built by the click below

    qtbot.mouseClick(
        home.list.viewport(), Qt.MouseButton.LeftButton, pos=home.list.button_rect(0).center()
    )
    library = window.library_view
    assert window.current_tab() == "library"
    qtbot.waitUntil(lambda: library.pages.currentWidget() is library.reader, timeout=20_000)
    assert library.reader.title.text() == second.title
    assert library.course_id == COURSE


def test_the_home_view_needs_no_connection(platform_env, make_window, qtbot, sample_content):
    window = make_window()
    started_course(window, sample_content)
    platform_env.faults.set(status=503, retry_after=0)  # the platform is gone
    platform_env.traffic.reset()
    window.home.refresh()
    qtbot.waitUntil(lambda: len(window.home_view.cards) == 1, timeout=10_000)
    assert window.home_view.card_texts(0).summary.startswith("1 chapitre terminé sur 4")
    assert platform_env.traffic.requests == {}  # read from this computer only


def test_nothing_of_a_learner_who_left_stays_on_the_home_view(
    platform_env, make_window, qtbot, sample_content
):
    window = make_window()
    started_course(window, sample_content)
    home = window.home_view
    window.home.refresh()
    qtbot.waitUntil(lambda: len(home.cards) == 1, timeout=10_000)
    assert TITLE in home_texts(window)
    window.context.switch_owner(Learner(platform_env.url, "u-1002", "Karim Benali"))
    qtbot.waitUntil(lambda: home.browse.isVisible(), timeout=10_000)
    assert home.cards == []
    assert TITLE not in home_texts(window)


def test_a_certificate_that_arrives_on_another_tab_is_announced_above_the_tabs(
    platform_env, memory_keyring, make_window, qtbot, tmp_path, sample_content
):
    window = refreshed(qtbot, make_window())
    signed_in_from_account_tab(qtbot, window)
    window.tabs.setCurrentWidget(window.home_view)  # the learner is on the home view
    notice = window.certificate_notice
    assert notice.isHidden()
    earn(platform_env, sample_content, tmp_path)  # the course, finished on other devices
    window.start()
    qtbot.waitUntil(lambda: window.context.sync is not None, timeout=10_000)
    window.sync_now()
    qtbot.waitUntil(notice.isVisible, timeout=30_000)
    assert notice.text == f"Nouveau certificat : {TITLE}"
    assert notice.action_button.text() == "Voir mes certificats"

    qtbot.mouseClick(notice.action_button, Qt.MouseButton.LeftButton)  # opens the wallet
    assert window.current_tab() == "certificates"
    assert notice.isHidden()
    wallet = window.certificates_view
    qtbot.waitUntil(lambda: wallet.list.count() == 1, timeout=10_000)
    assert wallet.banner.text == f"Nouveau certificat : {TITLE}"  # said once more, in place

    window.tabs.setCurrentWidget(window.home_view)  # told once: not again at the next sync
    with qtbot.waitSignal(window.events.sync_status, timeout=30_000):
        window.sync_now()
    qtbot.wait(500)
    assert notice.isHidden()


def test_a_finished_course_says_so_in_words(qtbot):
    from companion.services.home import CourseCard

    from companion.ui.views.home_cards import card_texts

    done = CourseCard("c", "Le cours", True, 4, 4, 2, 2, 0.0, "ch1", "Chapitre 1", True)
    texts = card_texts(done)
    assert texts.summary == (
        "✓ Course completed · 4 of 4 chapters completed · 2 of 2 quizzes passed"
    )
    assert texts.done == texts.total == 6
    half = done._replace(chapters_done=2)
    assert not card_texts(half).summary.startswith("✓")


def test_an_answer_read_for_a_learner_who_left_meanwhile_is_not_shown(
    platform_env, make_window, qtbot, sample_content, monkeypatch
):
    """A kiosk hand-over while the home view reads: what was read is the previous
    learner's, and it never reaches the screen (it is read again for the new one)."""
    from companion.ui.views import home

    window = make_window()
    context = window.context
    started_course(window, sample_content)
    read = home.read_cards
    calls: list[int] = []

    def read_then_hand_over(progress, manifest, titles, sites=None):
        cards = read(progress, manifest, titles, sites)
        if not calls:  # the window hears of it later: its answer comes first
            listeners, context.owner_listeners[:] = list(context.owner_listeners), []
            context.switch_owner(Learner(platform_env.url, "u-1002", "Karim Benali"))
            context.owner_listeners[:] = listeners
        calls.append(len(cards))
        return cards

    monkeypatch.setattr(home, "read_cards", read_then_hand_over)
    seen = []
    window.home.shown.connect(lambda: seen.append([c.title for c in window.home_view.cards]))
    window.home.refresh()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert calls[0] == 1  # Camille's course was read...
    assert all(TITLE not in titles for titles in seen)  # ...and never shown
    assert calls == [1, 0]  # read again, for the learner now here
    assert window.home_view.browse.isVisible()


def test_a_usual_start_paints_the_home_view_the_learner_saw_last_at_once(
    platform_env, qtbot, sample_content
):
    """Issue 14: the first paint shows the learner's courses from a small copy kept at the
    last start, before the progress file is opened or the platform asked; both follow the
    paint, and the figures are then read anew from the progress file."""
    from companion.app.context import AppContext
    from companion.jobs import Prefetch

    from companion.ui.main_window import MainWindow

    context = AppContext.create()
    window = MainWindow(context)
    qtbot.addWidget(window)
    started_course(window, sample_content)
    window.home.refresh()
    qtbot.waitUntil(lambda: len(window.home_view.cards) == 1, timeout=10_000)
    window.close()
    context.close()

    context = AppContext.create()  # the next start
    try:
        first = Prefetch(context.first_view)
        first.result()
        window = MainWindow(context)
        qtbot.addWidget(window)
        platform_env.traffic.reset()
        window.start(first)
        card = window.home_view.card_texts(0)  # before the window is even shown
        assert card.title == TITLE
        assert card.summary == "1 chapitre terminé sur 4 · 0 quiz réussi sur 2"
        assert card.week == "Étudié cette semaine : 15 min"
        assert context._progress is None  # no database opened for it
        window.show()
        qtbot.waitUntil(lambda: context._progress is not None, timeout=10_000)  # after paint
        qtbot.waitUntil(lambda: "/v1/catalog" in platform_env.traffic.requests, timeout=10_000)
        context.progress().complete_chapter(  # what the file says now is shown
            COURSE,
            parse_manifest(sample_content.courses[COURSE].manifest).parts[0].chapters[1],
            parse_manifest(sample_content.courses[COURSE].manifest),
        )
        window.home.refresh()
        qtbot.waitUntil(
            lambda: window.home_view.card_texts(0).summary.startswith("2 chapitres"),
            timeout=10_000,
        )
    finally:
        window.close()
        context.close()


def test_the_home_view_kept_is_only_ever_its_own_learners(platform_env, qtbot, sample_content):
    """The copy lives in the learner's own folder: when someone else signed in last on the
    profile, nothing of the first learner's is painted at start."""
    from companion.app.context import AppContext

    from companion.ui.main_window import MainWindow

    context = AppContext.create()
    window = MainWindow(context)
    qtbot.addWidget(window)
    context.switch_owner(Learner(platform_env.url, "u-1001", "Camille Martin"))
    started_course(window, sample_content)
    window.home.refresh()
    qtbot.waitUntil(lambda: len(window.home_view.cards) == 1, timeout=10_000)
    assert context.first_view().home is not None  # Camille's, while she owns the progress
    context.areas.remember_last(Learner(platform_env.url, "u-1002", "Karim Benali"))
    window.close()
    context.close()

    context = AppContext.create()  # Karim signed in last on this profile
    try:
        assert context.first_view().home == []  # his: no course yet, nothing of hers
    finally:
        context.close()


def test_many_courses_are_shown_at_once_in_order(qtbot):
    """Issue 14 then 28: the cards are rows painted when seen, all there at once, in order;
    a list shown anew replaces the one before."""
    from companion.services.home import CourseCard

    from companion.ui.views.home_view import HomeView

    def cards(prefix: str, count: int) -> list[CourseCard]:
        return [
            CourseCard(f"{prefix}{n}", f"Cours {n}", True, 1, 4, 0, 2, 0.0, "ch", "Chap", True)
            for n in range(count)
        ]

    view = HomeView()
    qtbot.addWidget(view)
    view.show()
    view.show_cards(cards("a", 20))
    assert view.loaded
    assert [c.course_id for c in view.cards] == [f"a{n}" for n in range(20)]
    view.show_cards(cards("b", 30))
    view.show_cards(cards("c", 3))
    qtbot.wait(50)
    assert [c.course_id for c in view.cards] == ["c0", "c1", "c2"]
    assert view.list is not None
    assert view.list.model().rowCount() == 3


def test_cards_are_never_squeezed(platform_env, make_window, qtbot):
    """Seen in a screenshot of 50 courses: cards were laid out in less room than their text
    needs, text over text. Every card shown has the height its lines need."""
    from companion.services.home import CourseCard

    window = make_window()
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.home_view.loaded, timeout=10_000)
    card = CourseCard("c", TITLE, True, 0, 4, 0, 2, 0.0, "ch", "Les principaux dangers", False)
    home = window.home_view
    home.show_cards([card._replace(course_id=f"c{n}") for n in range(50)])
    cards = home.list
    assert cards is not None
    qtbot.wait(50)
    geometry = cards.delegate.geometry(cards.font())
    lines = 2 * geometry.title_line + 3 * geometry.line + cards.delegate.BAR
    shown = [
        cards.visualRect(cards.model().index(row))
        for row in range(50)
        if cards.viewport().rect().intersects(cards.visualRect(cards.model().index(row)))
    ]
    assert len(shown) >= 3
    assert all(rect.height() >= lines for rect in shown)
    assert all(a.bottom() < b.top() for a, b in itertools.pairwise(shown))


def spoken(home, row: int) -> str:
    """What a screen reader is told of the card in ``row``: its name."""
    from companion.ui.views.home_cards import ACCESSIBLE_TEXT_ROLE

    return str(home.list.model().index(row).data(ACCESSIBLE_TEXT_ROLE))
