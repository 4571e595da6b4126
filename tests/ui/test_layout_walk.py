"""Issue 25: at 1024×600 with 100, 150 and 200 % text, every view fits the window without
growing it, and no label or button is clipped (text wraps, elides with its whole text in a
tooltip, or scrolls)."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.domain import parse_manifest
from tests.integration.test_certificates import COURSE, earn
from tests.ui.conftest import refreshed, signed_in_from_account_tab

from companion.ui.qt import QAbstractButton, QApplication, QLabel, QScrollArea, QWidget

SCREEN = (1024, 600)


def shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0


def scrolled(widget: QWidget) -> bool:
    """Inside a scroll area's viewport: it may be taller than what is shown."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped_texts(window: QWidget) -> list[str]:
    """Labels and buttons whose text needs more room than they were given."""
    found = []
    for label in window.findChildren(QLabel):
        if not shown(label) or not label.text() or label.pixmap() is not None:
            continue
        room = label.contentsRect()
        if label.wordWrap():
            need = label.heightForWidth(room.width())
            if need > room.height() + 1 and not scrolled(label):
                found.append(f"{label.text()[:60]!r}: {room.height()} px high of {need}")
        elif label.sizeHint().width() > label.width() + 1 and not label.toolTip():
            found.append(
                f"{label.text()[:60]!r}: {label.width()} px wide of {label.sizeHint().width()}"
            )
    for button in window.findChildren(QAbstractButton):
        if shown(button) and button.text() and button.sizeHint().width() > button.width() + 1:
            found.append(
                f"button {button.text()[:40]!r}: {button.width()} of {button.sizeHint().width()}"
            )
    return found


def misfits(window, name: str, folder: Path) -> list[str]:
    window.grab().save(str(folder / f"{name}.png"))
    found = [f"{name}: {problem}" for problem in clipped_texts(window)]
    hint = window.minimumSizeHint()
    if hint.width() > SCREEN[0] or hint.height() > SCREEN[1]:
        found.append(f"{name}: the window needs {hint.width()}×{hint.height()}")
    if (window.width(), window.height()) != SCREEN:
        found.append(f"{name}: the window grew to {window.width()}×{window.height()}")
    for widget in (window.statusBar(), window.tabs):
        corner = widget.mapTo(window, widget.rect().bottomRight())
        if not window.rect().contains(corner):
            found.append(f"{name}: {type(widget).__name__} out of the window")
    return found


@pytest.fixture
def system_text(qapp):
    """The system's own text size (its DPI or font setting) times ``factor``."""
    original = QApplication.font()

    def scale(factor: float) -> None:
        font = QApplication.font()
        font.setPointSizeF(font.pointSizeF() * factor)
        qapp.setFont(font)

    yield scale
    qapp.setFont(original)


@pytest.mark.parametrize(
    ("zoom", "system", "language"),
    [(100, 1.0, "fr"), (150, 1.0, "fr"), (200, 1.0, "fr"), (100, 2.0, "fr"), (200, 1.0, "en")],
    ids=["100%", "zoom-150%", "zoom-200%", "system-200%", "english-200%"],
)
def test_every_view_fits_1024_by_600(
    zoom,
    system,
    language,
    system_text,
    platform_env,
    memory_keyring,
    make_window,
    qtbot,
    tmp_path,
    sample_content,
):
    system_text(system)  # before the window: as the system says at start
    window = refreshed(qtbot, make_window())
    window.set_language(language)
    window.appearance.set_zoom(zoom)
    window.resize(*SCREEN)
    problems: list[str] = []

    def look(name: str) -> None:
        qtbot.wait(150)  # the layout settles
        window.resize(*SCREEN)
        qtbot.wait(50)
        problems.extend(misfits(window, name, tmp_path))

    window.show_home() if hasattr(window, "show_home") else window.tabs.setCurrentIndex(0)
    look("home-empty")
    window.show_catalogue()
    look("catalogue")
    library = window.show_library()
    look("library-empty")
    library.add_course(COURSE)
    qtbot.waitUntil(lambda: library.manifest is not None, timeout=20_000)
    look("library-course")
    library.start_download()
    qtbot.waitUntil(lambda: not library.downloading, timeout=30_000)
    look("library-downloaded")
    manifest = parse_manifest(sample_content.courses[COURSE].manifest)
    first = manifest.parts[0].chapters[0]
    library.open_chapter(COURSE, first.id)
    qtbot.waitUntil(lambda: library.pages.currentWidget() is library.reader, timeout=10_000)
    look("reader-chapter")
    quiz_chapter = next(
        c for p in manifest.parts for c in p.chapters if any(b.quiz for b in c.blocks)
    )
    library.open_chapter(COURSE, quiz_chapter.id)
    quiz = library.reader.quiz
    qtbot.waitUntil(lambda: quiz.quiz is not None and quiz.isVisible(), timeout=10_000)
    look("reader-quiz")
    with qtbot.waitSignal(library.changed, timeout=10_000):
        quiz.submit_button.click()
    look("reader-quiz-result")
    library.back_to_outline()
    window.show_account()
    look("account-signed-out")
    signed_in_from_account_tab(qtbot, window)
    look("account-signed-in")
    window.tabs.setCurrentIndex(0)
    look("home-course")
    earn(platform_env, sample_content, tmp_path)
    window.start()
    qtbot.waitUntil(lambda: window.context.sync is not None, timeout=10_000)
    wallet = window.show_certificates()
    window.sync_now()
    qtbot.waitUntil(lambda: wallet.list.count() == 1, timeout=30_000)
    look("certificates")
    assert problems == [], "\n".join(problems)
