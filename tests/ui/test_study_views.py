"""The study views as a learner meets them (issue 13): quiz feedback every time, progress in
the outline and the library, chapter states in learner words, downloads that say where they
are, and certificates that announce themselves."""

from __future__ import annotations

from tests.ui.conftest import refreshed

from companion.ui.qt import Qt


def outline_items(view) -> dict[str, object]:
    items = {}
    for top in range(view.outline.topLevelItemCount()):
        part = view.outline.topLevelItem(top)
        for row in range(part.childCount()):
            child = part.child(row)
            items[child.text(0).removeprefix("✓ ")] = child
    return items


def downloaded_course(window, qtbot, course_id="securite-chantier"):
    view = window.show_library()
    view.add_course(course_id)
    qtbot.waitUntil(lambda: len(outline_items(view)) >= 4, timeout=20_000)
    qtbot.mouseClick(view.download_course, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: {item.text(1) for item in outline_items(view).values()} == {"Hors ligne"},
        timeout=30_000,
    )
    return view


def answer_quiz(view, qtbot, title: str, right: bool) -> None:
    item = outline_items(view)[title]
    view._open_item(item)
    quiz = view.reader.quiz
    qtbot.waitUntil(
        lambda: (
            view.pages.currentWidget() is view.reader
            and quiz.quiz is not None
            and quiz.quiz.title == title
        ),
        timeout=10_000,
    )
    for question in quiz.quiz.questions:
        for choice_id, box in quiz._inputs[question.id]:
            box.setChecked((choice_id in question.correct) == right)
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.mouseClick(quiz.submit_button, Qt.MouseButton.LeftButton)


def result_on_screen(qtbot, view) -> str:
    """The result text, once the label has room for it (a zero-high label shows nothing)."""
    result = view.reader.quiz.result
    qtbot.wait(200)  # let the layout settle
    assert result.isVisible()
    assert result.height() > 0, result.geometry()
    return result.text()


def test_every_quiz_opened_shows_its_feedback(platform_env, make_window, qtbot):
    """Only the first quiz of a session once showed its score; later ones showed nothing."""
    window = refreshed(qtbot, make_window())
    view = downloaded_course(window, qtbot)
    first, second = "Quiz : comprendre les risques", "Quiz : réagir en cas d'urgence"
    answer_quiz(view, qtbot, first, right=True)
    assert "100 %" in result_on_screen(qtbot, view)
    qtbot.mouseClick(view.reader.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 0, timeout=10_000)
    qtbot.waitUntil(lambda: second in outline_items(view), timeout=10_000)
    answer_quiz(view, qtbot, second, right=False)
    text = result_on_screen(qtbot, view)
    assert "0 %" in text and "pas encore réussi" in text
    # And the first quiz, opened again, still answers.
    qtbot.mouseClick(view.reader.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 0, timeout=10_000)
    qtbot.waitUntil(lambda: first in outline_items(view), timeout=10_000)
    answer_quiz(view, qtbot, first, right=True)
    assert "100 %" in result_on_screen(qtbot, view)
