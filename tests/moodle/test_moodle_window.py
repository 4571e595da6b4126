"""The window with a real Moodle 5.1 beside the demo platform: the learner adds the centre's
site from the account tab, and its course joins the one library, named with its site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from companion.platform import URL_SCHEME
from companion.sync.moodle_outline import course_ref
from tests.moodle_site import LEARNER, MoodleSite, browser_sign_in
from tests.ui.conftest import make_window, refreshed, signed_in_from_account_tab

from companion.ui.app import listen_for_sign_ins
from companion.ui.handoff import hand_over
from companion.ui.qt import Qt
from companion.ui.views.course_pane import IdRole
from companion.ui.views.library_view import TitleRole
from companion.ui.views.site_quiz_dialog import SiteQuizDialog

__all__ = ["make_window"]  # the window fixture of the UI tests, used here too

# A folder: the tests' windows saved there, at COMPANION_SCREENSHOTS_SIZE (1280x800).
# Read at import: each test's environment is emptied of COMPANION_ variables (conftest).
SHOTS = os.environ.get("COMPANION_SCREENSHOTS", "")
SHOTS_SIZE = [int(n) for n in os.environ.get("COMPANION_SCREENSHOTS_SIZE", "1280x800").split("x")]


@pytest.fixture
def window(moodle: MoodleSite, platform_env, make_window, qtbot, memory_keyring, monkeypatch):
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(moodle.certificate))
    created = refreshed(qtbot, make_window())
    created.resize(*SHOTS_SIZE)
    return signed_in_from_account_tab(qtbot, created)  # a learner of the demo platform


def add_the_centres_site(qtbot, window, moodle: MoodleSite, password: str = LEARNER[1]):
    window.show_account()
    panel = window.sites_panel
    with qtbot.waitSignal(panel.listed, timeout=20_000):
        panel.refresh()
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.address, moodle.url)
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.username.isVisible(), timeout=20_000)
    assert panel.site_name.text() == "Centre de formation (test)"
    qtbot.keyClicks(panel.username, LEARNER[0])
    qtbot.keyClicks(panel.password, password)
    return panel


def test_the_centres_moodle_is_added_and_its_course_joins_the_library(qtbot, window, moodle):
    panel = add_the_centres_site(qtbot, window, moodle)
    with qtbot.waitSignal(panel.changed, timeout=30_000):
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 cours ajouté" in panel.added.text(), timeout=10_000)
    assert panel.password.text() == ""  # never kept, not even on screen
    qtbot.waitUntil(lambda: panel.rows.count() == 1 and not panel.empty.isVisible())
    _save(window, "account-with-moodle")
    library = window.show_library()
    reference = course_ref(moodle.url, moodle.course_id)
    qtbot.waitUntil(lambda: _label_of(library, reference) is not None, timeout=20_000)
    label = _label_of(library, reference)
    assert label == "Sécurité au travail : les fondamentaux · Centre de formation (test)"
    names = [library.courses.item(row).text() for row in range(library.courses.count())]
    assert len(names) > 1  # the platform's courses are there too: one library
    tips = {library.courses.item(row).toolTip() for row in range(library.courses.count())}
    # Whole, with its site, where a 1024 px window cuts the list (then where it is).
    assert any(tip.startswith(label) for tip in tips), tips
    assert library.select_course(reference)
    qtbot.waitUntil(lambda: library.manifest is not None and library.manifest.id == reference)
    _save(window, "library-two-sites")


def test_a_wrong_password_is_said_and_nothing_is_added(qtbot, window, moodle):
    panel = add_the_centres_site(qtbot, window, moodle, password="not-the-password")
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.banner.isVisible(), timeout=20_000)
    assert "L’identifiant ou le mot de passe n’est pas correct" in panel.banner.text
    assert "CMP-" not in panel.banner.details  # an expected situation: no reference to quote
    with qtbot.waitSignal(panel.listed, timeout=20_000):
        panel.refresh()
    assert panel.empty.isVisible()  # still no account


def _label_of(library, course_id: str) -> str | None:
    """The course's name in the list (its title once its outline is here)."""
    for row in range(library.courses.count()):
        item = library.courses.item(row)
        if item.data(IdRole) == course_id:
            title = str(item.data(TitleRole))
            return None if title.startswith(course_id) else title
    return None


def _save(window, name: str) -> None:
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_a_site_that_signs_in_in_the_browser_comes_back_through_the_url_scheme(
    qtbot, window, moodle
):
    moodle.set_config("typeoflogin", "2", component="tool_mobile")
    moodle.set_config("forcedurlscheme", URL_SCHEME, component="tool_mobile")
    try:
        _sign_in_in_the_browser(qtbot, window, moodle)
    finally:  # the module's other tests sign in with a password
        moodle.set_config("typeoflogin", "1", component="tool_mobile")


def _sign_in_in_the_browser(qtbot, window, moodle) -> None:
    listen_for_sign_ins(window, window.context)  # as the real start does, after its paint
    window.show_account()
    panel = window.sites_panel
    opened: list[str] = []

    def the_learners_browser(address: str) -> bool:
        opened.append(address)
        return True

    panel.open_browser = the_learners_browser
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.address, moodle.url)
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.next_button.text() == "Ouvrir le navigateur", timeout=20_000)
    assert not panel.password.isVisible()  # no password typed in Companion for this site
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=20_000)
    answer = browser_sign_in(moodle, opened[0], *LEARNER)  # the learner, in their browser
    with qtbot.waitSignal(window.events.accounts_changed, timeout=30_000):
        assert hand_over(answer)  # the system starts Companion again with the answer
    qtbot.waitUntil(lambda: panel.rows.count() == 1, timeout=20_000)
    _save(window, "account-browser-sign-in")


def test_a_moodle_quiz_is_answered_in_companion_and_graded_by_the_site(qtbot, window, moodle):
    panel = add_the_centres_site(qtbot, window, moodle)
    with qtbot.waitSignal(panel.changed, timeout=30_000):
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    library = window.show_library()
    reference = course_ref(moodle.url, moodle.course_id)
    qtbot.waitUntil(lambda: library.select_course(reference), timeout=20_000)
    qtbot.waitUntil(lambda: library.manifest is not None and library.manifest.id == reference)
    library.open_chapter(reference, f"cm{moodle.cmid('quiz')}")
    qtbot.waitUntil(lambda: "Répondre ici" in library.reader.browser.toPlainText(), timeout=20_000)
    library.reading.answer_site_quiz(f"{moodle.url}/mod/quiz/view.php?id={moodle.cmid('quiz')}")
    qtbot.waitUntil(lambda: library.reader.findChild(SiteQuizDialog) is not None, timeout=20_000)
    dialog = library.reader.findChild(SiteQuizDialog)
    first, second = dialog.attempt.questions
    dialog.inputs[first.slot].button(
        next(i for i, c in enumerate(first.choices) if c.text.endswith("112"))
    ).setChecked(True)
    dialog.inputs[second.slot].button(
        next(i for i, c in enumerate(second.choices) if c.text == "False")
    ).setChecked(True)
    _save(dialog, "moodle-quiz")
    with qtbot.waitSignal(dialog.graded, timeout=30_000):
        qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == "Votre note : 10 sur 10"
    _save(dialog, "moodle-quiz-graded")
