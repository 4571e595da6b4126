"""Issue 25: a course added and studied before the first sign-in vanished from the library
once the learner signed in and said the progress was theirs (the home view still showed
it; it came back after a restart)."""

from __future__ import annotations

from companion.jobs import Control
from tests.auth_helpers import Browser
from tests.ui.conftest import refreshed

from companion.ui.qt import QMessageBox, Qt
from companion.ui.views.course_pane import IdRole

COURSE = "securite-chantier"


def listed(window) -> list[str]:
    courses = window.library_view.courses
    return [str(courses.item(row).data(IdRole)) for row in range(courses.count())]


def test_a_course_studied_before_signing_in_stays_in_the_library(
    platform_env, memory_keyring, make_window, qtbot
):
    window = refreshed(qtbot, make_window())
    window.start()
    context = window.context
    context.library().add_course(COURSE)
    context.library().download(COURSE, Control.new())
    manifest = context.library().manifest(COURSE)
    assert manifest is not None
    chapter = manifest.parts[0].chapters[0]
    context.progress().complete_chapter(COURSE, chapter, manifest)  # before anyone signed in
    window.show_library()
    qtbot.waitUntil(lambda: COURSE in listed(window), timeout=10_000)
    view = window.show_account()
    view.open_browser = Browser("camille")
    qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ownership.claim_box is not None, timeout=30_000)
    window.ownership.claim_box.button(QMessageBox.StandardButton.Yes).click()
    window.show_library()
    qtbot.waitUntil(lambda: COURSE in listed(window), timeout=10_000)
