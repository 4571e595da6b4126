"""The study views as a learner meets them (issue 13): quiz feedback every time, progress in
the outline and the library, chapter states in learner words, downloads that say where they
are, and certificates that announce themselves."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import refreshed, signed_in_from_account_tab

from companion.ui.qt import Qt


def outline_items(view) -> dict[str, Any]:
    items: dict[str, Any] = {}
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
        lambda: {item.text(1) for item in outline_items(view).values()} == {"Téléchargé"},
        timeout=30_000,
    )
    return view


def answer_quiz(view, qtbot, title: str, right: bool) -> None:
    item = outline_items(view)[title]
    view.open_item(item)
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
    return str(result.text())


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


def test_the_quiz_result_shows_which_answers_were_right_in_symbols_words_and_colour(
    platform_env, make_window, qtbot, tmp_path
):
    """The result said only ✔/✘ per question, in black: not which answers were right."""
    window = refreshed(qtbot, make_window())
    view = downloaded_course(window, qtbot)
    answer_quiz(view, qtbot, "Quiz : comprendre les risques", right=False)
    result_on_screen(qtbot, view)
    quiz = view.reader.quiz
    assert quiz.quiz is not None
    question = quiz.quiz.questions[0]
    for choice_id, box in quiz._inputs[question.id]:
        if choice_id in question.correct:
            assert box.text().endswith("✔ bonne réponse") and "#1b6e3a" in box.styleSheet()
        elif box.isChecked():  # the wrong answer given
            assert box.text().endswith("✘ pas celle-ci") and "#b3261e" in box.styleSheet()
        else:  # a wrong answer not given: left as it is
            assert "✔" not in box.text() and "✘" not in box.text()
    assert any(box.isChecked() for _cid, box in quiz._inputs[question.id])
    # Issue 27: an answer says which question it answers (Tab read "int, radio button").
    _cid, first_box = quiz._inputs[question.id][0]
    assert first_box.accessibleDescription().startswith(f"Question 1 : {question.prompt}")
    assert "color:#b3261e" in quiz.result.text()
    # Issue 25: the grade above the questions, shown; a wrong answer says what was expected.
    expected = [c.text for c in question.choices if c.id in question.correct]
    assert f"Attendu : {expected[0]}" in quiz.result.text()
    assert quiz.result.y() < quiz.form.y()
    scroll = view.reader._quiz_scroll.verticalScrollBar()
    assert scroll.value() == 0
    # Issue 27: a screen reader had only "Quiz result": now the words, and the focus.
    spoken = quiz.result.accessibleDescription()
    assert spoken.startswith("Score : ") and "Question 1 : " in spoken and "<" not in spoken
    assert quiz.result.hasFocus() or quiz.result.focusPolicy() & Qt.FocusPolicy.TabFocus
    view.reader.grab().save(str(tmp_path / "quiz-marked.png"))
    # Issue 25: "Try again" clears the answers and their marks and keeps the best score.
    assert quiz.submit_button.text() == "Réessayer"
    assert "Votre meilleur score : 0 %" in quiz.result.text()
    qtbot.mouseClick(quiz.submit_button, Qt.MouseButton.LeftButton)
    boxes = [box for boxes in quiz._inputs.values() for _cid, box in boxes]
    assert not any(box.isChecked() for box in boxes)
    assert not any("✔" in box.text() or "✘" in box.text() or box.styleSheet() for box in boxes)
    assert quiz.result.text() == "Votre meilleur score : 0 %"
    assert quiz.submit_button.text() == "Vérifier mes réponses" and boxes[0].hasFocus()
    # Answered again, right: the marks follow, the choice texts do not pile up.
    for question in quiz.quiz.questions:
        for choice_id, box in quiz._inputs[question.id]:
            box.setChecked(choice_id in question.correct)
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.mouseClick(quiz.submit_button, Qt.MouseButton.LeftButton)
    texts = [box.text() for _cid, box in quiz._inputs[question.id]]
    assert all(text.count("✔") + text.count("✘") <= 1 for text in texts), texts
    assert "Score : 100 %" in quiz.result.text()
    assert "Votre meilleur score : 100 %" in quiz.result.text()


def test_the_outline_and_the_library_show_progress_in_words(platform_env, make_window, qtbot):
    """No ✓, no score, no progress per course were shown; "Hors ligne" read as a
    connection problem."""
    window = refreshed(qtbot, make_window())
    view = window.show_library()
    view.add_course("securite-chantier")
    qtbot.waitUntil(lambda: len(outline_items(view)) >= 4, timeout=20_000)
    assert {item.text(1) for item in outline_items(view).values()} == {"À télécharger"}
    assert view.course_progress.text() == "0 chapitre terminé sur 4 · 0 quiz réussi sur 2"
    view = downloaded_course(window, qtbot)
    answer_quiz(view, qtbot, "Quiz : comprendre les risques", right=True)
    qtbot.mouseClick(view.reader.back_button, Qt.MouseButton.LeftButton)
    # A chapter read to its end ("Suivant") is completed.
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 0, timeout=10_000)
    view.open_item(outline_items(view)["Les principaux dangers d'un chantier"])
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.reader, timeout=10_000)
    qtbot.mouseClick(view.reader.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.reader.title.text().startswith("Les équipements"), timeout=10_000)
    answer_quiz_second = "Quiz : réagir en cas d'urgence"
    qtbot.mouseClick(view.reader.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            view.pages.currentIndex() == 0
            and outline_items(view)["Les principaux dangers d'un chantier"].text(0).startswith("✓")
        ),
        timeout=10_000,
    )
    answer_quiz(view, qtbot, answer_quiz_second, right=False)
    qtbot.mouseClick(view.reader.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            view.pages.currentIndex() == 0
            and outline_items(view)[answer_quiz_second].text(2).startswith("Meilleur")
        ),
        timeout=10_000,
    )
    assert view.course_progress.text() == "1 chapitre terminé sur 4 · 1 quiz réussi sur 2"
    items = outline_items(view)
    role = Qt.ItemDataRole.AccessibleDescriptionRole
    done = items["Les principaux dangers d'un chantier"]
    assert done.text(0) == "✓ Les principaux dangers d'un chantier"
    assert done.text(2) == "✓ Terminé" and done.data(0, role) == "terminé, Téléchargé"
    waiting = items["Les équipements de protection individuelle"]
    assert not waiting.text(0).startswith("✓")
    assert waiting.data(0, role) == "pas terminé, Téléchargé"
    # Issue 25: one readable list, not three squeezed columns; the hidden columns' words
    # are painted under each title and read with it.
    from companion.ui.views.outline_delegate import second_line

    assert view.outline.isHeaderHidden() and view.outline.isColumnHidden(1)
    index = view.outline.indexFromItem(done, 0)
    assert second_line(index) == "Téléchargé · ✓ Terminé"
    passed = items["Quiz : comprendre les risques"]
    assert passed.text(0).startswith("✓ ")
    assert passed.text(2) == "✓ Meilleur score : 100 %, réussi"
    failed = items[answer_quiz_second]
    assert failed.text(2) == "Meilleur score : 0 %, pas encore réussi"
    assert {item.text(1) for item in items.values()} == {"Téléchargé"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_the_time_left_follows_the_bytes_and_says_a_stall(qtbot, monkeypatch):
    """The estimate stayed at "environ 10 s restantes" whatever the bytes did."""
    from companion import i18n

    from companion.ui.widgets import downloads_panel

    i18n.install("fr")
    clock = Clock()
    monkeypatch.setattr(downloads_panel, "time", clock)
    row = downloads_panel.JobRow("Cours", lambda: None)
    qtbot.addWidget(row)
    row.running()
    total = 20_000_000
    for second in range(1, 6):  # 100 kB/s: 195 s left, said in minutes
        clock.now += 1
        row.progress(second * 100_000, total)
    assert row.state.text() == "500 Ko sur 20 Mo — environ 3 min restantes"
    for second in range(1, 11):  # the connection gets faster: 1 MB/s
        clock.now += 1
        row.progress(500_000 + second * 1_000_000, total)
    seconds = int(row.state.text().split("environ ")[1].split(" s")[0])
    assert 8 <= seconds <= 12, row.state.text()  # 9.5 MB left at about 1 MB/s
    clock.now += 0.9  # between two events the estimate still moves
    row.tick()
    assert int(row.state.text().split("environ ")[1].split(" s")[0]) < seconds
    clock.now += 10  # no byte for ten seconds: no made-up time
    row.tick()
    assert "restantes" not in row.state.text()
    assert "en attente de données" in row.state.text(), row.state.text()


def test_a_downloaded_course_moves_the_primary_action_to_reading(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    view = window.show_library()
    view.add_course("securite-chantier")
    qtbot.waitUntil(lambda: len(outline_items(view)) >= 4, timeout=20_000)
    assert view.download_course.isEnabled()
    assert view.download_course.objectName() == "PrimaryButton"
    assert view.read_course.text() == "Commencer le cours"
    view = downloaded_course(window, qtbot)
    qtbot.waitUntil(lambda: not view.download_course.isEnabled(), timeout=10_000)
    assert view.download_course.text() == "Cours téléchargé"
    assert view.download_course.objectName() != "PrimaryButton"
    assert view.read_course.objectName() == "PrimaryButton" and view.read_course.isEnabled()
    assert view.read_course.isDefault()
    # Every chapter is here: "Download this chapter" has nothing to do (it stayed active).
    view.outline.setCurrentItem(outline_items(view)["Reconnaître l'alerte et évacuer"])
    assert not view.download_chapter.isEnabled()
    # Resume: the chapter read last.
    view.open_item(outline_items(view)["Reconnaître l'alerte et évacuer"])
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.reader, timeout=10_000)
    qtbot.mouseClick(view.reader.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.read_course.text() == "Reprendre la lecture", timeout=10_000)
    assert view.read_course.toolTip() == "Reconnaître l'alerte et évacuer"
    qtbot.mouseClick(view.read_course, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            view.pages.currentWidget() is view.reader
            and view.reader.title.text() == "Reconnaître l'alerte et évacuer"
        ),
        timeout=10_000,
    )


def test_the_empty_wallet_says_what_to_do_and_offers_nothing_to_press(
    platform_env, make_window, qtbot
):
    window = refreshed(qtbot, make_window())
    wallet = window.show_certificates()
    qtbot.waitUntil(lambda: wallet.empty.isVisible(), timeout=10_000)
    qtbot.wait(200)
    assert "Bibliothèque" in wallet.empty.text()
    for button in (wallet.open_pdf, wallet.export_pdf, wallet.export_credential):
        assert not button.isEnabled(), button.text()


def test_a_new_certificate_is_announced_once(
    platform_env, memory_keyring, make_window, qtbot, tmp_path, sample_content
):
    from tests.integration.test_certificates import earn

    window = refreshed(qtbot, make_window())
    signed_in_from_account_tab(qtbot, window)
    wallet = window.show_certificates()
    qtbot.waitUntil(lambda: wallet.empty.isVisible(), timeout=10_000)
    assert wallet.banner.isHidden()
    earn(platform_env, sample_content, tmp_path)
    window.start()
    qtbot.waitUntil(lambda: window.context.sync is not None, timeout=10_000)
    with qtbot.waitSignal(wallet.arrived, timeout=30_000) as arrived:
        window.sync_now()
    assert arrived.args == [1]
    assert wallet.banner.isVisible()
    assert wallet.banner.text == "Nouveau certificat : Les bases de la sécurité sur un chantier"
    assert wallet.open_pdf.isEnabled()
    qtbot.mouseClick(wallet.banner.action_button, Qt.MouseButton.LeftButton)  # "Fermer"
    assert wallet.banner.isHidden()
    with qtbot.waitSignal(wallet.changed, timeout=10_000):
        wallet.refresh()  # seen once: not announced again
    assert wallet.banner.isHidden()


def test_each_download_row_is_named_for_a_screen_reader(qtbot):
    """Issue 27: the progress bar had no name and every row's "Annuler" sounded the same."""
    from companion import i18n

    from companion.ui.widgets import downloads_panel

    i18n.install("fr")
    rows = [downloads_panel.JobRow(title, lambda: None) for title in ("Python", "HTML")]
    for row in rows:
        qtbot.addWidget(row)
        row.running()
    assert [row.bar.accessibleName() for row in rows] == [
        "Téléchargement de Python",
        "Téléchargement de HTML",
    ]
    names = {row.remove.accessibleName() for row in rows}
    assert len(names) == 2 and all(row.remove.text() == "Annuler" for row in rows)


def test_a_courses_mark_is_said_in_words_to_a_screen_reader(platform_env, make_window, qtbot):
    """Issue 27: the list's course names carried only "✔" or "◐"."""
    from companion.ui.views.course_pane import IdRole

    window = refreshed(qtbot, make_window())
    view = downloaded_course(window, qtbot)
    courses = view.courses

    def item():
        return next(
            courses.item(row)
            for row in range(courses.count())
            if courses.item(row).data(IdRole) == "securite-chantier"
        )

    qtbot.waitUntil(lambda: item().text().startswith("✔ "), timeout=10_000)
    assert item().data(Qt.ItemDataRole.AccessibleTextRole) == item().text().removeprefix("✔ ")
    said = item().data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert said.startswith("sur cet ordinateur, Progression : ")


def test_a_quiz_result_follows_a_theme_and_language_switch(platform_env, make_window, qtbot):
    """Issue 27: the marks kept the old theme's colours (2.4:1 on dark); and the button
    must keep saying what it does."""
    from companion.ui import theme

    window = refreshed(qtbot, make_window())
    view = downloaded_course(window, qtbot)
    answer_quiz(view, qtbot, "Quiz : comprendre les risques", right=False)
    quiz = view.reader.quiz
    assert theme.PALETTES["light"]["wrong"] in quiz.result.text()
    try:
        window.appearance.choose_theme("dark")
        dark_wrong = theme.PALETTES["dark"]["wrong"]
        assert dark_wrong in quiz.result.text()
        boxes = [box for boxes in quiz._inputs.values() for _cid, box in boxes]
        assert any(dark_wrong in box.styleSheet() for box in boxes)
        assert quiz.submit_button.text() == "Réessayer"
        window.set_language("en")
        assert quiz.submit_button.text() == "Try again" and "Score: 0 %" in quiz.result.text()
    finally:
        window.appearance.choose_theme("light")
