"""Issue 13: switching language relabels every visible text, Qt's own included."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from companion.resources import resource
from tests.auth_helpers import Browser
from tests.ui.conftest import refreshed
from tests.ui.test_account_view import no_keyring as no_keyring  # a fixture

from companion.ui import qt
from companion.ui.qt import QAbstractButton, QLabel, QLineEdit, Qt, QTabBar, QWidget


def french_only() -> set[str]:
    """Every French translation that differs from its English source."""
    path = resource("translations", "fr", "LC_MESSAGES", "companion.po")
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="fr")
    found = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in strings:
            if text and text not in ids and "{" not in text:
                found.add(str(text).replace("&", ""))
    return found


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        name = type(widget).__name__
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append((name, widget.text()))
        if isinstance(widget, QLineEdit):
            texts.append((name, widget.placeholderText()))
        if isinstance(widget, QTabBar):
            texts += [(name, widget.tabText(i)) for i in range(widget.count())]
        texts.append((name, widget.toolTip()))
        texts.append((name, widget.accessibleName()))
    return [(name, text.replace("&", "")) for name, text in texts if text]


@pytest.mark.usefixtures("no_keyring")
def test_every_visible_label_follows_a_language_switch(platform_env, make_window, qtbot):
    refreshed(qtbot, make_window())  # a saved catalogue
    platform_env.faults.set(status=503, path_prefix="/v1/catalog")
    window = refreshed(qtbot, make_window())  # offline: the saved copy and a banner
    french = french_only()
    for index in range(window.tabs.count()):  # every tab built, in French
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
    view = window.show_account()
    view.open_browser = Browser("camille")
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.session_note.isVisible, timeout=10_000)  # no keyring: a note
    window.set_language("en")
    stale = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        stale += [(n, t) for n, t in visible_texts(window) if t in french]
    assert stale == [], "\n".join(f"{n}: {t}" for n, t in stale)
    # Made from figures (so not in the catalogue as such): the storage line (issue 25).
    library = window.show_library()
    qtbot.waitUntil(lambda: library.usage.text().startswith("Course files use"), timeout=5_000)


def test_qt_s_own_texts_are_french_and_follow_the_language(platform_env, make_window, qtbot):
    window = make_window()
    box = qt.QMessageBox(
        qt.QMessageBox.Icon.Question, "t", "t", qt.QMessageBox.StandardButton.Cancel
    )
    assert box.button(qt.QMessageBox.StandardButton.Cancel).text() == "Annuler"
    assert (
        window.menus.sync_action.shortcut().toString(qt.QKeySequence.SequenceFormat.NativeText)
        == "Ctrl+Maj+S"
    )
    window.set_language("en")
    box = qt.QMessageBox(
        qt.QMessageBox.Icon.Question, "t", "t", qt.QMessageBox.StandardButton.Cancel
    )
    assert box.button(qt.QMessageBox.StandardButton.Cancel).text() == "Cancel"
    window.set_language("fr")


def test_a_language_switch_relabels_the_deeper_views_banners_and_qt_s_file_dialog(
    platform_env, make_window, qtbot
):
    """Issue 25: switching to English left French in an error banner already shown, the
    quiz's result, and the file dialog."""
    from companion.errors import UserFacingError
    from companion.i18n import _
    from tests.ui.test_study_views import answer_quiz, downloaded_course

    window = refreshed(qtbot, make_window())
    library = downloaded_course(window, qtbot)
    answer_quiz(library, qtbot, "Quiz : comprendre les risques", right=False)
    quiz = library.reader.quiz
    library._failed(UserFacingError(_("No application on this computer can open PDFs.")))
    wallet = window.show_certificates()
    wallet._saved(Path("/tmp/attestation.pdf"))
    assert library.banner.text.startswith("Aucune application")
    assert wallet.banner.text == "Enregistré : /tmp/attestation.pdf"
    window.set_language("en")
    qtbot.waitUntil(lambda: library.banner.text.startswith("No application"), timeout=5_000)
    assert library.banner.text == "No application on this computer can open PDFs."
    assert library.banner.action_button.text() == "Close"
    assert wallet.banner.text == "Saved: /tmp/attestation.pdf"
    assert "You can print it" in wallet.banner.details
    assert quiz.submit_button.text() == "Try again" and "Expected: " in quiz.result.text()
    assert library.title.text() == "My library"
    dialog = qt.QFileDialog(window, "t")
    dialog.setOption(qt.QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(qt.QFileDialog.AcceptMode.AcceptSave)
    labels = {b.text().replace("&", "") for b in dialog.findChildren(QAbstractButton)}
    assert "Save" in labels and "Cancel" in labels, labels
    window.set_language("fr")
    french = qt.QFileDialog(window, "t")
    french.setOption(qt.QFileDialog.Option.DontUseNativeDialog)
    french.setAcceptMode(qt.QFileDialog.AcceptMode.AcceptSave)
    labels = {b.text().replace("&", "") for b in french.findChildren(QAbstractButton)}
    assert "Enregistrer" in labels and "Annuler" in labels, labels
    qtbot.waitUntil(lambda: library.banner.text.startswith("Aucune application"), timeout=5_000)


def test_a_closed_banner_stays_closed_after_a_language_switch(platform_env, make_window, qtbot):
    """A banner says its words again in the new language; one the learner closed must not
    come back (nor be announced again) because the language changed."""
    from companion.errors import UserFacingError
    from companion.i18n import _

    window = refreshed(qtbot, make_window())
    library = window.show_library()
    library._failed(UserFacingError(_("No application on this computer can open PDFs.")))
    qtbot.mouseClick(library.banner.action_button, Qt.MouseButton.LeftButton)
    assert library.banner.isHidden()
    window.set_language("en")
    qtbot.wait(200)  # the language change reaches every widget
    assert library.banner.isHidden()
    window.set_language("fr")
