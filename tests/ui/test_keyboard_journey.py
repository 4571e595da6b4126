"""Issue 13: the main journey with the keyboard alone, and a name for every control.

Every action below is a key pressed on the widget that has the focus, as a learner without
a mouse (or with a screen reader) would: sign in, add a course from the catalogue, download
it, read a chapter, answer a quiz, see the progress on the home view and go back to the
chapter from there, and see the certificate. After each step the
focus must be on a visible, enabled widget of the window, never lost to nowhere. The only
things done for the learner are outside the app: the browser page of the sign-in
(``Browser``) and the course finished on other devices (``earn``), as in the other tests.
"""

from __future__ import annotations

from tests.auth_helpers import Browser
from tests.integration.test_certificates import COURSE, earn
from tests.ui.conftest import refreshed
from tests.ui.test_study_views import outline_items

from companion.ui.qt import (
    QAbstractButton,
    QApplication,
    QLabel,
    QStackedWidget,
    Qt,
    QWidget,
)

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def focused(window) -> QWidget:
    """The widget with the focus: one of the window's, visible and enabled."""
    widget = QApplication.focusWidget()
    assert widget is not None, "the focus was lost to nowhere"
    assert widget.window() is window, f"focus left the window: {describe(widget)}"
    assert widget.isVisible() and widget.isEnabled(), (
        f"focus on a hidden widget: {describe(widget)}"
    )
    return widget


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "None"
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    return (
        f"{type(widget).__name__}({widget.objectName()!r}, {text!r}, {widget.accessibleName()!r})"
    )


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> QWidget:
    """A key on the focused widget; returns where the focus is afterwards."""
    qtbot.keyClick(focused(window), key, modifier)
    qtbot.wait(20)
    return focused(window)


def tab_to(qtbot, window, wanted: QWidget, backwards: bool = False, limit: int = 60) -> None:
    """Tab (or Shift+Tab) until ``wanted`` has the focus, as a learner would."""
    path = []
    for _step in range(limit):
        if focused(window) is wanted:
            return
        path.append(describe(focused(window)))
        press(qtbot, window, Key.Key_Backtab if backwards else Key.Key_Tab)
    raise AssertionError(f"{describe(wanted)} cannot be reached with Tab; went through {path}")


def arrow_to(qtbot, window, view, text: str) -> None:
    """Down arrow in a list or tree until the current item shows ``text``."""
    for _step in range(30):
        index = view.currentIndex()
        if index.isValid() and text in str(index.data()):
            return
        press(qtbot, window, Key.Key_Down)
    raise AssertionError(f"no item {text!r} reached with the arrows")


def test_the_main_journey_with_the_keyboard_alone(
    platform_env, memory_keyring, make_window, qtbot, tmp_path, sample_content
):
    window = refreshed(qtbot, make_window())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5_000)
    focused(window)

    # The home view comes first: a new learner is shown the way to the catalogue.
    assert window.tabs.currentWidget() is window.home_view
    home = window.home_view
    qtbot.waitUntil(lambda: home.browse.isVisible(), timeout=10_000)

    # Sign in: Ctrl+4 opens the account tab, its primary button has the focus.
    press(qtbot, window, Key.Key_4, CTRL)
    assert window.tabs.currentIndex() == 3
    account = window.account_view
    account.open_browser = Browser("camille")  # the learner's browser, not the app
    tab_to(qtbot, window, account.browser_button)
    with qtbot.waitSignal(account.account_changed, timeout=20_000):
        press(qtbot, window, Key.Key_Space)
    qtbot.waitUntil(lambda: account.pages.currentWidget() is account.signed_in, timeout=10_000)
    focused(window)

    # Ctrl+Tab and Ctrl+Shift+Tab go round the tabs too.
    press(qtbot, window, Key.Key_Tab, CTRL)
    assert window.tabs.currentIndex() == 4
    press(qtbot, window, Key.Key_Backtab, CTRL | SHIFT)
    assert window.tabs.currentIndex() == 3

    # The catalogue: Ctrl+2, the list, arrows to the course, Enter adds it to the library.
    press(qtbot, window, Key.Key_2, CTRL)
    assert window.tabs.currentIndex() == 1
    catalog = window.catalog_view
    tab_to(qtbot, window, catalog.list)
    arrow_to(qtbot, window, catalog.list, "sécurité sur un chantier")
    press(qtbot, window, Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == 2, timeout=10_000)
    library = window.library_view
    qtbot.waitUntil(
        lambda: library.course_id == COURSE and len(outline_items(library)) >= 4, timeout=20_000
    )
    focused(window)

    # Download it: Tab to the primary button, Space.
    tab_to(qtbot, window, library.download_course)
    press(qtbot, window, Key.Key_Space)
    qtbot.waitUntil(
        lambda: {item.text(1) for item in outline_items(library).values()} == {"Téléchargé"},
        timeout=30_000,
    )
    focused(window)

    # Read the first chapter: the outline, arrows, Enter; the text has the focus.
    tab_to(qtbot, window, library.outline, backwards=True)
    arrow_to(qtbot, window, library.outline, "Les principaux dangers d'un chantier")
    press(qtbot, window, Key.Key_Return)
    reader = library.reader
    qtbot.waitUntil(lambda: library.pages.currentWidget() is reader, timeout=10_000)
    qtbot.waitUntil(lambda: focused(window) is reader.browser, timeout=5_000)
    press(qtbot, window, Key.Key_PageDown)  # scrolls the text, not anything else
    # "Suivant" completes it (read to its end) and opens the next one; again, the quiz.
    tab_to(qtbot, window, reader.next_button)
    press(qtbot, window, Key.Key_Space)
    qtbot.waitUntil(lambda: reader.title.text().startswith("Les équipements"), timeout=10_000)
    # Issue 27: the focus goes to the new chapter's text (it stayed on the button while
    # the page changed under it); the caret at its start, Down reads on.
    qtbot.waitUntil(lambda: focused(window) is reader.browser, timeout=5_000)
    assert reader.browser.textCursor().position() == 0
    press(qtbot, window, Key.Key_Down)
    assert reader.browser.textCursor().position() > 0
    tab_to(qtbot, window, reader.next_button)
    press(qtbot, window, Key.Key_Space)
    quiz = reader.quiz
    qtbot.waitUntil(
        lambda: quiz.quiz is not None and quiz.quiz.title == "Quiz : comprendre les risques",
        timeout=10_000,
    )

    # Answer with the keyboard: Tab to each question; in a one-answer question the arrows
    # choose (Space the first), in a several-answer one the arrows move and Space ticks.
    assert quiz.quiz is not None
    for question in quiz.quiz.questions:
        inputs = quiz._inputs[question.id]
        tab_to(qtbot, window, inputs[0][1])
        for choice_id, box in inputs:
            if focused(window) is not box:
                press(qtbot, window, Key.Key_Down)
            assert focused(window) is box, describe(focused(window))
            if question.kind == "single":
                if choice_id in question.correct:
                    if not box.isChecked():
                        press(qtbot, window, Key.Key_Space)
                    break
            elif (choice_id in question.correct) != box.isChecked():
                press(qtbot, window, Key.Key_Space)
        chosen = {choice_id for choice_id, box in inputs if box.isChecked()}
        assert chosen == set(question.correct), question.prompt
    tab_to(qtbot, window, quiz.submit_button)
    with qtbot.waitSignal(library.changed, timeout=10_000):
        press(qtbot, window, Key.Key_Space)
    qtbot.waitUntil(lambda: "100 %" in quiz.result.text(), timeout=10_000)
    focused(window)

    # Esc goes back to the outline: the ✓, the score and the course's progress line.
    press(qtbot, window, Key.Key_Escape)
    qtbot.waitUntil(lambda: library.pages.currentIndex() == 0, timeout=10_000)
    qtbot.waitUntil(
        lambda: outline_items(library)["Quiz : comprendre les risques"].text(2).startswith("✓"),
        timeout=10_000,
    )
    items = outline_items(library)
    assert items["Les principaux dangers d'un chantier"].text(0).startswith("✓ ")
    assert items["Les équipements de protection individuelle"].text(0).startswith("✓ ")
    assert items["Quiz : comprendre les risques"].text(2) == "✓ Meilleur score : 100 %, réussi"
    assert library.course_progress.text() == "2 chapitres terminés sur 4 · 1 quiz réussi sur 2"
    focused(window)

    # Ctrl+1: the home view says the same, and "Reprendre" goes back to the quiz read last.
    press(qtbot, window, Key.Key_1, CTRL)
    assert window.tabs.currentWidget() is home
    qtbot.waitUntil(lambda: bool(home.cards), timeout=10_000)
    assert home.cards[0].course_id == COURSE  # studied last: first (her others: not started)
    card = home.card_texts(0)
    assert card.title == "Les bases de la sécurité sur un chantier"
    assert card.summary == "2 chapitres terminés sur 4 · 1 quiz réussi sur 2"
    assert card.next == "Dernière lecture : Quiz : comprendre les risques"
    assert home.list is not None
    tab_to(qtbot, window, home.list)  # the cards, one list: its first card is current
    assert home.list.currentIndex().row() == 0 and card.button == "Reprendre"
    press(qtbot, window, Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_tab() == "library", timeout=5_000)
    qtbot.waitUntil(lambda: library.pages.currentWidget() is reader, timeout=10_000)
    qtbot.waitUntil(lambda: quiz.quiz is not None and quiz.quiz.title.startswith("Quiz : comp"))
    focused(window)
    press(qtbot, window, Key.Key_Escape)
    qtbot.waitUntil(lambda: library.pages.currentIndex() == 0, timeout=10_000)

    # The course finished on other devices; Ctrl+Shift+S syncs; Ctrl+5 shows the certificate.
    earn(platform_env, sample_content, tmp_path)
    window.start()  # the app's own start-up: the sync begins
    qtbot.waitUntil(lambda: window.context.sync is not None, timeout=10_000)
    press(qtbot, window, Key.Key_5, CTRL)
    assert window.tabs.currentIndex() == 4
    wallet = window.certificates_view
    press(qtbot, window, Key.Key_S, CTRL | SHIFT)
    qtbot.waitUntil(lambda: wallet.list.count() == 1, timeout=30_000)
    assert wallet.list.item(0).text().startswith("✔  Les bases de la sécurité sur un chantier")
    tab_to(qtbot, window, wallet.list)
    assert "Authentique" in wallet.list.item(0).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    tab_to(qtbot, window, wallet.open_pdf)
    assert wallet.open_pdf.isEnabled()


def shown_with_its_page(widget: QWidget, window: QWidget) -> bool:
    """Visible once its tab or stacked page is on screen (not hidden for itself)."""
    current: QWidget | None = widget
    while current is not None and current is not window:
        parent = current.parentWidget()
        if current.isHidden() and not isinstance(parent, QStackedWidget):
            return False
        current = parent
    return True


def test_every_control_has_an_accessible_name(platform_env, memory_keyring, make_window, qtbot):
    """Every widget that can take the focus says what it is to a screen reader (a button's
    text counts: Qt gives it as its name)."""
    window = refreshed(qtbot, make_window())
    for index in range(window.tabs.count()):  # every tab built and shown once
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
    library = window.library_view
    library.add_course(COURSE)
    qtbot.waitUntil(lambda: len(outline_items(library)) >= 4, timeout=20_000)
    window.tabs.setCurrentWidget(window.home_view)  # its course card, with its button
    qtbot.waitUntil(lambda: bool(window.home_view.cards), timeout=10_000)
    window.show_library()
    library.reader.show()  # the reader and the quiz, built with the library
    offenders = []
    for widget in window.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or widget.focusProxy() is not None:
            continue
        if not shown_with_its_page(widget, window):
            continue  # an empty banner's button, a page's hidden part: named when shown
        if isinstance(widget, QLabel) and not (
            widget.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
        ):
            continue  # a label the keyboard cannot reach
        name = widget.accessibleName()
        if not name and isinstance(widget, QAbstractButton | QLabel):
            name = widget.text().replace("&", "")
        if not name.strip():
            offenders.append(describe(widget) + f" in {describe(widget.parentWidget())}")
    assert offenders == [], "controls without an accessible name:\n" + "\n".join(offenders)


def test_the_storage_and_diagnostic_windows_close_with_escape(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    press(qtbot, window, Key.Key_3, CTRL)
    library = window.library_view
    tab_to(qtbot, window, library.storage_button)
    qtbot.keyClick(library.storage_button, Key.Key_Space)  # the focus goes to its window
    storage = library.storage_dialog
    qtbot.waitUntil(storage.isVisible)
    storage.activateWindow()
    qtbot.waitUntil(storage.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or storage, Key.Key_Escape)
    qtbot.waitUntil(lambda: not storage.isVisible(), timeout=5_000)
    diagnostic = window.show_diagnostic().window
    qtbot.waitUntil(diagnostic.isVisible)
    diagnostic.activateWindow()
    qtbot.waitUntil(diagnostic.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or diagnostic, Key.Key_Escape)
    qtbot.waitUntil(lambda: not diagnostic.isVisible(), timeout=5_000)
