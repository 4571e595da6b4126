"""Issue 12 in the window: platform text shown as written, files that could be programs
never opened, a stuck platform never blocks reading what is on disk, quit always quits."""

from __future__ import annotations

import stat
import threading

from companion.jobs import Control
from tests.integration.test_hostile_content import altered, first_block, served
from tests.ui.conftest import refreshed

from companion.ui.qt import QApplication, QRunnable, Qt, QThreadPool

COURSE = "securite-chantier"
HOSTILE = "<h1 style='color:red;font-size:80px'>PAYEZ ICI</h1><a href='https://x.example'>ici</a>"


def library_on(window, qtbot, course_id=COURSE):
    view = window.library_view
    window.show_library()
    view.add_course(course_id)
    qtbot.waitUntil(
        lambda: view.course_id == course_id and view.manifest is not None, timeout=20_000
    )
    return view


def test_titles_from_the_platform_are_shown_as_written(
    platform_env, make_window, qtbot, sample_content
):
    with altered(sample_content) as manifest:
        manifest["title"] = HOSTILE
        manifest["parts"][0]["chapters"][0]["title"] = HOSTILE
        sample_content.courses[COURSE].catalog_entry["title"] = HOSTILE
        window = refreshed(qtbot, make_window())
        view = library_on(window, qtbot)
        window.context.library().download(COURSE, Control.new())
        view.open_chapter(COURSE, manifest["parts"][0]["chapters"][0]["id"])
        qtbot.waitUntil(lambda: view.reader.title.text() != "", timeout=10_000)
    for label in (view.course_title, view.reader.title):
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert "PAYEZ ICI</h1>" in label.text()
    assert view.banner.message_label.textFormat() == Qt.TextFormat.PlainText


def test_a_file_that_could_be_a_program_is_offered_for_saving_not_opened(
    platform_env, make_window, qtbot, sample_content, tmp_path
):
    with altered(sample_content) as manifest:
        block = first_block(manifest, "file")
        block["title"] = "../../install.sh"
        block["asset"] = served(sample_content, b"#!/bin/sh\necho pwned\n", "application/x-sh")
        window = refreshed(qtbot, make_window())
        view = library_on(window, qtbot)
        window.context.library().download(COURSE, Control.new())
    opened: list[object] = []
    suggested: list[str] = []

    def open_externally(path: object) -> bool:
        opened.append(path)
        return True

    view.open_externally = open_externally
    destination = tmp_path / "saved"

    def choose(name):
        suggested.append(name)
        return destination

    view.reading.choose_save_path = choose
    view.reader.open_asset(block["asset"]["sha256"], block["title"])
    qtbot.waitUntil(destination.exists, timeout=10_000)
    assert not opened
    assert suggested == ["install_sh"]  # no path, no extension from the platform
    assert not stat.S_IMODE(destination.stat().st_mode) & 0o111
    qtbot.waitUntil(lambda: view.banner.isVisible(), timeout=5_000)


class Stuck(QRunnable):
    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self.release = release

    def run(self) -> None:
        self.release.wait(30)


def test_a_stuck_network_call_does_not_stop_a_downloaded_chapter_opening(
    platform_env, make_window, qtbot
):
    window = refreshed(qtbot, make_window())
    view = library_on(window, qtbot)
    window.context.library().download(COURSE, Control.new())
    release = threading.Event()
    pool = QThreadPool.globalInstance()
    try:
        for _ in range(pool.maxThreadCount() + 2):  # every network worker waits on a platform
            pool.start(Stuck(release))
        view.open_chapter(COURSE, "sec-p1-c1")
        qtbot.waitUntil(lambda: view.pages.currentWidget() is view.reader, timeout=5_000)
    finally:
        release.set()
        pool.waitForDone(10_000)


def test_f5_during_a_slow_answer_takes_no_second_worker(platform_env, make_window, qtbot):
    window = make_window()
    release, calls = threading.Event(), []
    real = window.context.catalog.refresh

    def slow():
        calls.append(1)
        release.wait(20)
        return real()

    window.context.catalog.refresh = slow
    try:
        for _ in range(4):
            window.refresh_catalog()
        qtbot.wait(300)
        assert len(calls) == 1
    finally:
        with qtbot.waitSignal(window.catalog_shown, timeout=20_000):
            release.set()
    window.refresh_catalog()  # answered: F5 asks again
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=5_000)


def test_closing_the_window_quits_even_with_the_storage_window_open(
    platform_env, make_window, qtbot, monkeypatch
):
    from companion.ui.app import QuitWithWindow

    window = refreshed(qtbot, make_window())
    view = library_on(window, qtbot)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quits: list[int] = []
    monkeypatch.setattr(app, "quit", lambda: quits.append(1))
    QuitWithWindow(app, window)
    view.show_storage()
    storage = view.storage_dialog
    assert storage.isWindow() and storage.isVisible()
    window.close()  # Ctrl+Q, and SIGTERM through close_on_termination
    qtbot.waitUntil(lambda: bool(quits), timeout=5_000)
    assert not storage.isVisible()


def test_a_failed_download_offers_to_resume_and_resumes(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    view = library_on(window, qtbot)
    platform_env.faults.set(status=503, retry_after=0, path_prefix="/v1/assets/")
    view.start_download()
    qtbot.waitUntil(lambda: view.banner.isVisible(), timeout=30_000)
    assert "réessaiera" not in view.banner.text + view.banner.details  # it would not
    assert view.banner.action_button.text() == "Reprendre le téléchargement"
    platform_env.faults.clear()  # the platform is back
    view.banner.action_button.click()
    qtbot.waitUntil(
        lambda: set(window.context.library().chapter_states(COURSE).values()) == {"offline"},
        timeout=30_000,
    )
