"""Focus that follows the learner (issue 27): every answer of a several-answer question a
Tab stop; the quiz's own button before the window's chrome; a button that goes out of use
under the focus hands it to the next step, never to wherever Qt's chain led."""

from __future__ import annotations

from tests.ui.conftest import refreshed
from tests.ui.test_keyboard_journey import focused, press
from tests.ui.test_study_views import downloaded_course, outline_items

from companion.ui.qt import QApplication, Qt

Key = Qt.Key
QUIZ = "Quiz : comprendre les risques"


def open_quiz(window, qtbot):
    view = downloaded_course(window, qtbot)
    view.open_item(outline_items(view)[QUIZ])
    quiz = view.reader.quiz
    qtbot.waitUntil(lambda: quiz.quiz is not None and quiz.quiz.title == QUIZ, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return view, quiz


def test_every_answer_of_a_several_answer_question_is_a_tab_stop(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    _view, quiz = open_quiz(window, qtbot)
    assert quiz.quiz is not None
    several = next(q for q in quiz.quiz.questions if q.kind != "single")
    boxes = [box for _cid, box in quiz._inputs[several.id]]
    boxes[0].setFocus(Qt.FocusReason.TabFocusReason)
    for box in boxes[1:]:
        assert press(qtbot, window, Key.Key_Tab) is box
    for box in reversed(boxes[:-1]):
        assert press(qtbot, window, Key.Key_Backtab) is box


def test_the_quiz_button_comes_right_after_the_answers_then_the_chrome(
    platform_env, make_window, qtbot
):
    window = refreshed(qtbot, make_window())
    _view, quiz = open_quiz(window, qtbot)
    assert quiz.quiz is not None
    last_question = quiz.quiz.questions[-1]
    last = quiz._inputs[last_question.id][-1][1]
    if last_question.kind == "single":  # one Tab stop for the group: its checked or first
        last = quiz._inputs[last_question.id][0][1]
    last.setFocus(Qt.FocusReason.TabFocusReason)
    assert press(qtbot, window, Key.Key_Tab) is quiz.submit_button
    after = [press(qtbot, window, Key.Key_Tab) for _step in range(4)]
    tabs, sync = window.tabs.tabBar(), window.sync_indicator.button
    reader = window.library_view.reader
    # The reader's own buttons next, the window's chrome (tabs, sync) after them.
    assert after[0] in (reader.back_button, reader.read_aloud), after
    chrome = [w for w in after if w in (tabs, sync)]
    assert all(after.index(w) > after.index(reader.back_button) for w in chrome), after


def test_a_download_that_ends_under_the_focus_hands_it_to_reading(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    view = window.show_library()
    view.add_course("securite-chantier")
    qtbot.waitUntil(lambda: len(outline_items(view)) >= 4, timeout=20_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.download_course.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, window, Key.Key_Space)
    qtbot.waitUntil(
        lambda: {item.text(1) for item in outline_items(view).values()} == {"Téléchargé"},
        timeout=30_000,
    )
    qtbot.waitUntil(lambda: not view.download_course.isEnabled(), timeout=5_000)
    assert QApplication.focusWidget() is view.read_course, focused(window)


def test_tab_goes_from_the_tabs_into_the_view_before_the_status_bar(
    platform_env, make_window, qtbot
):
    """Content, then its actions, then the chrome: Tab from the tab bar went to the status
    bar's buttons before a view built later (issue 27: "Synchroniser" between the tabs and
    the content)."""
    window = refreshed(qtbot, make_window())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    status = window.statusBar()
    for show in (window.show_library, window.show_account, window.show_certificates):
        view = show()
        window.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
        after = press(qtbot, window, Key.Key_Tab)
        assert view.isAncestorOf(after), (show.__name__, after, after.parent())
        seen = [after]
        while not status.isAncestorOf(seen[-1]) and len(seen) < 60:
            seen.append(press(qtbot, window, Key.Key_Tab))
        assert status.isAncestorOf(seen[-1]), seen
        assert all(view.isAncestorOf(widget) for widget in seen[:-1]), seen


def test_tab_goes_from_the_tabs_to_the_home_cards_before_the_status_bar(
    platform_env, make_window, qtbot
):
    window = refreshed(qtbot, make_window())
    downloaded_course(window, qtbot)
    window.tabs.setCurrentIndex(0)
    home = window.home_view
    qtbot.waitUntil(lambda: bool(home.cards) and home.list is not None, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
    seen = [press(qtbot, window, Key.Key_Tab)]
    while seen[-1] is not home.list and len(seen) < 10:
        seen.append(press(qtbot, window, Key.Key_Tab))
    assert seen[-1] is home.list, seen
    # On the way: a notice above the tabs, perhaps ("Se connecter"), never the status bar.
    assert not any(window.statusBar().isAncestorOf(widget) for widget in seen), seen


def test_a_notice_above_the_tabs_comes_before_them_in_the_tab_order(
    platform_env, make_window, qtbot
):
    """« Personne n'est connecté … Se connecter » is shown above the tabs: Tab reached its
    buttons after every view, just before the status bar (issue 27)."""
    window = refreshed(qtbot, make_window())
    window.start()
    notice = window.notice
    qtbot.waitUntil(notice.isVisible, timeout=10_000)
    window.tabs.setCurrentIndex(2)  # a view built now joins the chain: the order holds
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tab_bar = window.tabs.tabBar()
    tab_bar.setFocus(Qt.FocusReason.TabFocusReason)
    before = press(qtbot, window, Key.Key_Backtab)
    assert notice.isAncestorOf(before), before
    seen = [before]
    while notice.isAncestorOf(seen[-1]) and len(seen) < 5:
        seen.append(press(qtbot, window, Key.Key_Tab))
    assert seen[-1] is tab_bar, seen
