"""Issue 13: switching language relabels every visible text, Qt's own included."""

from __future__ import annotations

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
