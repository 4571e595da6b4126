"""The offline library in the window: download, read offline, take a quiz, search."""

from __future__ import annotations

import pytest

from companion.services.library import OFFLINE
from companion.services.study_clock import StudyClock
from tests.ui.conftest import refreshed
from tests.unit.test_study_clock import FakeTime

from companion.ui.qt import Qt


def outline_states(view) -> dict[str, str]:
    states = {}
    for top in range(view.outline.topLevelItemCount()):
        part = view.outline.topLevelItem(top)
        for row in range(part.childCount()):
            child = part.child(row)
            states[child.text(0)] = child.text(1)
    return states


def test_download_read_offline_quiz_and_search(platform_env, make_window, qtbot, tmp_path):
    window = refreshed(qtbot, make_window())
    view = window.library_view
    window.show_library()
    view.add_course("securite-chantier")
    qtbot.waitUntil(
        lambda: "Les principaux dangers d'un chantier" in outline_states(view), timeout=20_000
    )
    assert set(outline_states(view).values()) == {"À télécharger"}
    qtbot.mouseClick(view.download_course, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: set(outline_states(view).values()) == {"Téléchargé"}, timeout=30_000)
    assert view.banner.isHidden(), view.banner.text + " " + view.banner.details
    assert "Ko" in view.storage.text()
    qtbot.waitUntil(lambda: view.courses.currentItem().text().startswith("✔"), timeout=10_000)
    assert "Ko sur" in view.usage.text()
    window.grab().save(str(tmp_path / "library.png"))

    platform_env.faults.set(status=503, retry_after=0)  # offline from here on
    first_part = view.outline.topLevelItem(0)
    assert first_part is not None
    chapter_item = first_part.child(1)
    assert chapter_item is not None
    mono, wall = FakeTime(), FakeTime()  # study time is minutes: moved by hand, not waited
    view.study.clock = StudyClock(mono, wall)
    with qtbot.waitSignal(view.changed, timeout=10_000):
        view.open_item(chapter_item)
    assert view.pages.currentWidget() is view.reader
    assert "EPI" in view.reader.browser.toPlainText()
    window.grab().save(str(tmp_path / "reader.png"))
    mono.now += 95
    view.reader.browser.verticalScrollBar().setValue(40)  # a sign of life
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.mouseClick(view.reader.next_button, Qt.MouseButton.LeftButton)
    quiz = view.reader.quiz
    assert view.reader.pages.currentIndex() == 1 and quiz.quiz is not None
    for question in quiz.quiz.questions:  # answer everything right
        for choice_id, box in quiz._inputs[question.id]:
            box.setChecked(choice_id in question.correct)
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.mouseClick(quiz.submit_button, Qt.MouseButton.LeftButton)
    assert "100 %" in quiz.result.text() and "réussi" in quiz.result.text()
    progress = window.context.progress()
    qtbot.waitUntil(
        lambda: "sec-p1-c2" in progress.completed_chapters("securite-chantier"), timeout=10_000
    )  # "Next" at the end of a chapter completes it
    qtbot.wait(300)  # the result label grows: let the layout settle before the picture
    window.grab().save(str(tmp_path / "quiz.png"))
    mono.now += 30
    qtbot.mouseClick(view.reader.back_button, Qt.MouseButton.LeftButton)
    course = "https://plateforme.sandbox.companion.test/xapi/activities/courses/securite-chantier"
    qtbot.waitUntil(lambda: progress.time_studied() == {course: 125.0}, timeout=10_000)
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in progress.pending_statements())
    answers = ["answered"] * len(quiz.quiz.questions)
    assert verbs == [
        *answers,
        "completed",
        "experienced",
        "experienced",
        "launched",
        "launched",
        "passed",
    ]

    view.search.setText("evacuation")
    qtbot.waitUntil(lambda: view.results.count() >= 1 and view.results.isVisible(), timeout=10_000)
    assert "Reconnaître l'alerte" in view.results.item(0).text()
    # Which course it is in, first (issue 13: search results did not name their course).
    assert view.results.item(0).text().startswith("Les bases de la sécurité sur un chantier › ")
    view.open_hit(view.results.item(0))
    # The match is selected in the chapter, accents as written there.
    qtbot.waitUntil(
        lambda: (
            view.pages.currentWidget() is view.reader
            and view.reader.browser.textCursor().selectedText().lower() == "évacuation"
        ),
        timeout=10_000,
    )
    assert window.context.library().chapter_states("securite-chantier")["sec-p2-c1"] == OFFLINE


def test_storage_dialog_pins_and_removes(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    view = window.show_library()
    view.add_course("securite-chantier")
    qtbot.waitUntil(
        lambda: "Les principaux dangers d'un chantier" in outline_states(view), timeout=20_000
    )
    qtbot.mouseClick(view.download_course, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: set(outline_states(view).values()) == {"Téléchargé"}, timeout=30_000)
    view.show_storage()
    dialog = view.storage_dialog
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 1, timeout=10_000)
    row = dialog.table.topLevelItem(0)
    assert row.text(0) == "Les bases de la sécurité sur un chantier"
    assert row.text(1).endswith("Ko")
    actions = dialog.table.itemWidget(row, 2)
    keep = actions.layout().itemAt(0).widget()
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        keep.setChecked(True)
    assert window.context.library().is_pinned("securite-chantier")
    remove = dialog.table.itemWidget(dialog.table.topLevelItem(0), 2).layout().itemAt(1).widget()
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 0, timeout=10_000)
    qtbot.waitUntil(lambda: set(outline_states(view).values()) == {"À télécharger"}, timeout=10_000)


def test_the_downloads_panel_shows_each_job_and_withdraws_a_waiting_one(
    platform_env, make_window, qtbot, tmp_path
):
    window = refreshed(qtbot, make_window())
    view = window.library_view
    window.show_library()
    platform_env.faults.set(bandwidth_bps=60_000, path_prefix="/v1/assets")  # a slow link
    for course_id in ("securite-chantier", "debuter-python", "creer-son-entreprise"):
        view.add_course(course_id)
    qtbot.waitUntil(lambda: view.courses.count() == 3, timeout=20_000)
    for course_id in ("securite-chantier", "debuter-python", "creer-son-entreprise"):
        view.course_id = course_id
        view.start_download()
    panel = view.downloads
    qtbot.waitUntil(lambda: len(panel.rows) == 3 and panel.running is not None, timeout=20_000)
    assert panel.running is not None
    running = panel.rows[panel.running]
    qtbot.waitUntil(lambda: running.bar.value() > 0, timeout=20_000)
    assert "restantes" in running.state.text() and running.remove.text() == "Annuler"
    waiting = [row for key, row in panel.rows.items() if key != panel.running]
    assert [row.state.text() for row in waiting] == ["En attente", "En attente"]
    assert all(row.remove.text() == "Retirer" for row in waiting)
    window.grab().save(str(tmp_path / "downloads.png"))
    qtbot.mouseClick(waiting[-1].remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.rows) == 2, timeout=10_000)
    assert view.queue is not None
    assert [job.course_id for job in view.queue.waiting()] == ["debuter-python"]
    qtbot.mouseClick(view.cancel, Qt.MouseButton.LeftButton)  # "Tout annuler"
    qtbot.waitUntil(lambda: not panel.rows and panel.isHidden(), timeout=20_000)


# Where Qt's multimedia modules are installed, this headless machine has no sound card and
# no video acceleration: the backend says so, which is not a fault of Companion.
@pytest.mark.qt_log_ignore(
    r"Couldn't (resolve|load) .*", r"PulseAudioService: .*", r"No audio device detected"
)
def test_audio_plays_in_the_reader_or_opens_in_the_system_player(
    platform_env, make_window, qtbot, sample_content, tmp_path
):
    from companion.ui import qt

    window = refreshed(qtbot, make_window())
    view = window.library_view
    window.show_library()
    view.add_course("securite-chantier")
    qtbot.waitUntil(lambda: view.course_id == "securite-chantier", timeout=20_000)
    with qtbot.waitSignal(view.changed, timeout=30_000):
        view.start_download()
    qtbot.waitUntil(lambda: not view.downloading, timeout=30_000)
    manifest = sample_content.courses["securite-chantier"].manifest
    chapter, sha = next(
        (c["id"], b["asset"]["sha256"])
        for p in manifest["parts"]
        for c in p["chapters"]
        for b in c["blocks"]
        if b["type"] == "audio"
    )
    view.open_chapter("securite-chantier", chapter)
    qtbot.waitUntil(lambda: f"asset:{sha}#" in view.reader.browser.toHtml(), timeout=10_000)
    opened: list[object] = []

    def open_externally(path: object) -> bool:  # stands in for the desktop's file opener
        opened.append(path)
        return True

    view.open_externally = open_externally
    link = qt.QUrl(f"asset:{sha}#Signal%20sonore%20d'%C3%A9vacuation")
    view.reader.browser.anchorClicked.emit(link)  # the learner clicks the link
    if qt.multimedia() is None:  # PySide6-Essentials, as installed by default
        qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
        assert str(opened[0]).endswith(".wav")
        assert "ne peuvent pas être lus dans Companion" in view.banner.text
    else:  # PySide6-Addons installed: the clip plays under the text
        qtbot.waitUntil(lambda: view.reader.media is not None, timeout=10_000)
        player = view.reader.media
        assert player is not None and player.isVisible() and not opened
        assert player.title.text() == "Signal sonore d'évacuation"
        qtbot.waitUntil(lambda: player.player.position() > 0, timeout=10_000)
        window.grab().save(str(tmp_path / "player.png"))
        view.back_to_outline()
        assert not player.isVisible()


def test_the_library_is_a_shelf_of_cards_and_an_empty_one_says_what_to_do(
    platform_env, make_window, qtbot
):
    """Issue 25: the library was a bare list of titles over a huge white void, and an empty
    one showed download buttons with nothing to download."""
    from companion.ui.views.library_cards import CardRole

    window = refreshed(qtbot, make_window())
    view = window.show_library()
    qtbot.waitUntil(view.empty.isVisible, timeout=10_000)
    assert view.title.text() == "Ma bibliothèque"
    assert not view.splitter.isVisible()  # no list, no download buttons
    assert "Catalogue" in view.empty_hint.text()
    qtbot.mouseClick(view.to_catalogue, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == 1  # the catalogue

    window.show_library()
    view.add_course("securite-chantier")
    qtbot.waitUntil(lambda: view.manifest is not None, timeout=20_000)
    qtbot.mouseClick(view.download_course, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.courses.item(0).data(CardRole).state == OFFLINE, timeout=30_000)
    card = view.courses.item(0).data(CardRole)
    assert (card.title, card.done, card.total) == ("Les bases de la sécurité sur un chantier", 0, 6)
    item = view.courses.item(0)
    description = item.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert description == "sur cet ordinateur, Progression : 0 sur 6"
    assert view.empty.isHidden() and view.splitter.isVisible()
    assert view.storage_bar.bar.accessibleDescription().startswith("Les fichiers des cours")
