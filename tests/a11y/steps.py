"""What a learner does, run inside Companion's process (``tests.a11y.driver``): each step
brings a view on screen and waits until it shows what it shows. The AT-SPI tests then read
the view from outside, as a screen reader does."""

from __future__ import annotations

from typing import Any

from tests.a11y.driver import wait, wait_until
from tests.ui.test_study_views import outline_items

from companion.ui.qt import QApplication

COURSE = "securite-chantier"
TEXT_CHAPTER = "Les principaux dangers d'un chantier"
IMAGE_CHAPTER = "Les équipements de protection individuelle"
QUIZ = "Quiz : comprendre les risques"
LINK_CHAPTER = "Porter secours : protéger, alerter, secourir"  # the PDF of the course


def settled(window: Any) -> None:
    """Layouts and names done (what a screen reader reads a moment after a change)."""
    wait(0.3)


def catalogue(window: Any) -> None:
    window.tabs.setCurrentIndex(1)
    wait_until(
        lambda: window.tab_built("catalogue") and window.catalog_view.list.model().rowCount()
    )
    settled(window)


def library_empty(window: Any) -> None:
    window.show_library()
    settled(window)


def course_selected(window: Any, course_id: str = COURSE) -> Any:
    view = window.show_library()
    view.add_course(course_id)
    wait_until(lambda: len(outline_items(view)) >= 4)
    settled(window)
    return view


def downloaded(window: Any) -> Any:
    view = course_selected(window)
    view.download_course.click()
    states = lambda: {item.text(1) for item in outline_items(view).values()}  # noqa: E731
    wait_until(lambda: states() == {"Téléchargé"}, timeout=60)
    settled(window)
    return view


def start_download(window: Any) -> Any:
    view = course_selected(window)
    view.download_course.click()
    wait_until(lambda: view.downloading)
    settled(window)
    return view


def open_chapter(window: Any, title: str) -> Any:
    view = window.library_view
    view.open_item(outline_items(view)[title])
    reader = view.reader
    wait_until(lambda: view.pages.currentWidget() is reader and reader.title.text() == title)
    settled(window)
    return reader


def answer_quiz(window: Any, right: bool) -> Any:
    reader = open_chapter(window, QUIZ)
    quiz = reader.quiz
    for question in quiz.quiz.questions:
        for choice_id, box in quiz._inputs[question.id]:
            box.setChecked((choice_id in question.correct) == right)
    quiz.submit_button.click()
    wait_until(lambda: "Score" in quiz.result.text())
    settled(window)
    return quiz


def account_browser(window: Any) -> Any:
    view = window.show_account()
    settled(window)
    return view


def account_qr(window: Any) -> Any:
    view = window.show_account()
    view.device_button.click()
    wait_until(lambda: view.pages.currentWidget() is view.device and view.user_code.text())
    settled(window)
    return view


def certificates(window: Any) -> Any:
    view = window.show_certificates()
    settled(window)
    return view


def diagnostic(window: Any) -> Any:
    controller = window.show_diagnostic()
    wait_until(lambda: controller.diagnosis is not None, timeout=30)
    settled(window)
    return controller


def welcome(window: Any) -> Any:
    from companion.ui.welcome import WelcomeDialog

    dialog = WelcomeDialog(window, window.welcome_needs())
    dialog.show()
    wait_until(dialog.isVisible)
    settled(window)
    return dialog


def focused() -> Any:
    return QApplication.focusWidget()
