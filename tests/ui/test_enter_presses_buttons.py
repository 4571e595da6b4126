"""Issue 25: Enter presses the focused button everywhere (only Space did), and Enter in the
catalogue's search does what its hint says."""

from __future__ import annotations

import pytest

from tests.ui.conftest import refreshed

from companion.ui.qt import QPushButton, Qt


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_presses_the_focused_button_of_the_main_window(platform_env, make_window, qtbot, key):
    window = refreshed(qtbot, make_window())
    window.show_catalogue()
    button: QPushButton = window.catalog_view.add_button
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    with qtbot.waitSignal(button.clicked, timeout=2_000):
        qtbot.keyClick(button, key)


def test_enter_does_nothing_on_a_disabled_or_unfocused_button(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    pressed = []
    button = QPushButton("test", window)
    button.clicked.connect(lambda: pressed.append(True))
    button.setEnabled(False)
    button.show()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    qtbot.keyClick(button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)  # a click would be animated for a moment
    assert not pressed


def test_enter_in_the_catalogue_search_adds_the_course_its_hint_names(
    platform_env, make_window, qtbot
):
    window = refreshed(qtbot, make_window())
    window.show_catalogue()
    view = window.catalog_view
    qtbot.keyClicks(view.search, "securite chantier")
    course = view.selected_course()
    assert course is not None and f"« {course.title} » : Entrée" in view.hint.text()
    with qtbot.waitSignal(view.add_requested, timeout=2_000) as added:
        qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert added.args == [course]
