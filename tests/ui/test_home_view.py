"""The home view (issue 13): each course's progress and "Reprendre"; the way to the catalogue
for a new learner; nothing of a learner who left."""

from __future__ import annotations

from companion.domain import parse_manifest
from companion.services.learners import Learner
from tests.integration.test_certificates import COURSE

from companion.ui.qt import QLabel, Qt

TITLE = "Les bases de la sécurité sur un chantier"


def home_texts(window) -> list[str]:
    return [label.text() for label in window.home_view.findChildren(QLabel)]


def test_a_new_learner_is_shown_the_way_to_the_catalogue(platform_env, make_window, qtbot):
    window = make_window()
    home = window.home_view
    assert window.tabs.currentWidget() is home  # the first tab, shown at start
    assert window.tabs.tabText(0) == "Accueil"
    qtbot.waitUntil(lambda: home.browse.isVisible(), timeout=10_000)
    assert "catalogue" in home.empty_text.text()
    assert home.cards == []
    qtbot.mouseClick(home.browse, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.catalog_view


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
    progress.record_study(COURSE, first, 900, course)
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
    card = home.cards[0]
    assert card.title.text() == TITLE
    assert card.summary.text() == "1 chapitre terminé sur 4 · 0 quiz réussi sur 2"
    assert card.week.text() == "Étudié cette semaine : 15 min"
    assert card.next.text() == f"Dernière lecture : {second.title}"
    assert card.button.text() == "Reprendre"
    assert card.button.objectName() == "PrimaryButton"  # the screen's one primary action
    assert card.button.accessibleName() == f"Reprendre {TITLE}"
    assert card.bar.value() == 1 and card.bar.maximum() == 6
    assert not window._library_tab.created  # the library is built by the click below

    qtbot.mouseClick(card.button, Qt.MouseButton.LeftButton)
    library = window.library_view
    assert window.tabs.currentWidget() is window._library_tab
    qtbot.waitUntil(lambda: library.pages.currentWidget() is library.reader, timeout=20_000)
    assert library.reader.title.text() == second.title
    assert library.course_id == COURSE


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
