"""Screenshots of every main view, in French, at 1280×800 and 1024×600, for docs/ and the README.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tools/screenshots.py docs/screenshots

Runs the real window against an in-process sandbox platform, in a throw-away Companion home,
and plays a learner: the first-run welcome, the device-code sign-in (Camille approves it "on
her phone"), a course added and downloaded, a chapter read, a quiz answered with one mistake,
the home view, the rest of the course finished so that the platform issues a certificate
(announced above the tabs), then Aide › Diagnostic…. Nothing touches
the real profile, keyring or platform. The PNGs are saved with an 8-bit palette to stay small.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's companion and tests, whatever the caller's path

SIZES = ((1280, 800), (1024, 600))
COURSE = "securite-chantier"
READ_CHAPTER = "Les principaux dangers d'un chantier"
QUIZ = "Quiz : comprendre les risques"


def wait_until(app: Any, condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Let Qt run until ``condition()`` holds, like pytest-qt's waitUntil."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(getattr(condition, "__name__", "condition"))
        app.processEvents()
        time.sleep(0.02)


def settle(app: Any, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    wait_until(app, lambda: time.monotonic() > end, seconds + 5)


class Shooter:
    def __init__(self, app: Any, window: Any, folder: Path) -> None:
        self.app = app
        self.window = window
        self.folder = folder
        self.saved: list[Path] = []

    def shoot(
        self, name: str, widget: Any = None, prepare: Callable[[], None] | None = None
    ) -> None:
        """Save ``widget`` (the main window by default) at each size."""
        target = widget or self.window
        for width, height in SIZES:
            target.resize(width, height)
            settle(self.app)
            if prepare is not None:
                prepare()
                settle(self.app, 0.2)
            path = self.folder / f"{name}-{width}x{height}.png"
            target.grab().save(str(path), "PNG")
            small_png(path)
            self.saved.append(path)
            print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)

    def shoot_with_dialog(self, name: str, dialog: Any) -> None:
        """The window with ``dialog`` over its middle, as the learner sees them (Xvfb has no
        window manager to draw them together)."""
        from companion.ui.qt import QColor, QPainter

        for width, height in SIZES:
            self.window.resize(width, height)
            dialog.resize(dialog.sizeHint().boundedTo(self.window.size() * 0.9))
            settle(self.app)
            picture = self.window.grab()
            painter = QPainter(picture)
            left = (width - dialog.width()) // 2
            top = (height - dialog.height()) // 2
            painter.drawPixmap(left, top, dialog.grab())
            painter.setPen(QColor("#5f7386"))
            painter.drawRect(left - 1, top - 1, dialog.width() + 1, dialog.height() + 1)
            painter.end()
            path = self.folder / f"{name}-{width}x{height}.png"
            picture.save(str(path), "PNG")
            small_png(path)
            self.saved.append(path)
            print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


def small_png(path: Path) -> None:
    """256 colours chosen for this picture, without dithering: text stays crisp, the file
    shrinks ten-fold (Qt's own 8-bit conversion shifts the blues towards purple)."""
    from PIL import Image

    with Image.open(path) as image:
        quantized = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    quantized.save(path, optimize=True)


def outline_items(view: Any) -> dict[str, Any]:
    items: dict[str, Any] = {}
    for top in range(view.outline.topLevelItemCount()):
        part = view.outline.topLevelItem(top)
        for row in range(part.childCount()):
            child = part.child(row)
            items[child.text(0).removeprefix("✓ ")] = child
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="companion-shots-") as home:
        return shoot_all(args.folder.resolve(), Path(home))


def shoot_all(folder: Path, home: Path) -> int:
    for name in list(os.environ):
        if name.startswith("COMPANION_") and name != "COMPANION_RESOURCES":
            del os.environ[name]
    os.environ["COMPANION_HOME"] = str(home / "companion")
    os.environ["COMPANION_UI_LANGUAGE"] = "fr"
    os.environ.setdefault("LANG", "fr_FR.UTF-8")

    import keyring

    from companion.app.context import AppContext
    from companion.domain import parse_manifest
    from companion.paths import Paths
    from companion.sandbox.content import load_or_build, sources_dir
    from companion.sandbox.server import SandboxServer
    from tests.auth_helpers import MemoryKeyring, approve_device

    from companion.ui.app import create_application
    from companion.ui.main_window import MainWindow

    keyring.set_keyring(MemoryKeyring())  # the learner's tokens never reach the real keyring
    content = load_or_build(sources_dir(), home / "sandbox")
    with SandboxServer(content=content) as sandbox:
        sandbox.oidc.device_interval = 1
        # The platform in the learner's settings file, as the welcome saves it (set in the
        # environment instead, the welcome would show it as fixed, without the choice).
        settings_file = Paths.default().settings_file
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        settings_file.write_text(f'[platform]\napi_url = "{sandbox.url}"\n', encoding="utf-8")
        app = create_application([sys.argv[0]])
        context = AppContext.create()
        window = MainWindow(context)
        window.resize(*SIZES[0])
        window.show()
        shots = Shooter(app, window, folder)
        shown: list[bool] = []
        window.catalog_shown.connect(lambda: shown.append(True))
        window.start()
        wait_until(app, lambda: shown)

        # The first start: the welcome, over the home view of a learner with no course yet.
        from companion.ui.welcome import welcome_if_first_run

        welcome = welcome_if_first_run(window)
        wait_until(app, welcome.isVisible)
        shots.shoot_with_dialog("welcome", welcome)
        welcome.later.click()

        # Sign-in with another device: the code, its countdown and the QR code.
        account = window.show_account()
        wait_until(app, lambda: account.pages.currentWidget() is account.signed_out)
        account.device_button.click()
        wait_until(app, lambda: account.pages.currentWidget() is account.device)
        shots.shoot("sign-in-device")
        code = account.user_code.text()
        approving = threading.Thread(
            target=approve_device,
            args=(f"{account.device_url.text()}?user_code={code}", "camille"),
        )
        approving.start()
        wait_until(app, lambda: account.pages.currentWidget() is account.signed_in)
        approving.join()

        # A course added and downloaded.
        library = window.show_library()
        library.add_course(COURSE)
        wait_until(app, lambda: len(outline_items(library)) >= 4)
        library.download_course.click()
        wait_until(
            app,
            lambda: {i.text(1) for i in outline_items(library).values()} == {"Téléchargé"},
            timeout=60,
        )

        # A chapter being read.
        library._open_item(outline_items(library)[READ_CHAPTER])
        wait_until(app, lambda: library.pages.currentWidget() is library.reader)
        shots.shoot("chapter")

        # A quiz answered with one mistake: right and wrong answers, in colour and symbols.
        library.reader.back_button.click()
        wait_until(app, lambda: library.pages.currentIndex() == 0)
        wait_until(app, lambda: QUIZ in outline_items(library))
        library._open_item(outline_items(library)[QUIZ])
        quiz = library.reader.quiz
        wait_until(app, lambda: quiz.quiz is not None and quiz.quiz.title == QUIZ)
        assert quiz.quiz is not None
        questions = quiz.quiz.questions
        for number, question in enumerate(questions):
            right = number != len(questions) - 1
            for choice_id, box in quiz._inputs[question.id]:
                box.setChecked((choice_id in question.correct) == right)
        quiz.submit_button.click()
        wait_until(app, lambda: bool(quiz.result.text()))

        def show_result() -> None:
            scroll = quiz.parentWidget()
            while scroll is not None and not hasattr(scroll, "ensureWidgetVisible"):
                scroll = scroll.parentWidget()
            if scroll is not None:
                scroll.ensureWidgetVisible(quiz.result)

        shots.shoot("quiz-result", prepare=show_result)
        window.appearance.choose_theme("dark")  # the marks follow the theme (issue 27)
        shots.shoot("quiz-result-dark", prepare=show_result)
        window.appearance.choose_theme("system")

        # The library's outline, with what is done and the quiz's best score.
        library.reader.back_button.click()
        wait_until(app, lambda: library.pages.currentIndex() == 0)
        settle(app, 1.0)
        shots.shoot("library")
        window.appearance.choose_theme("dark")
        shots.shoot("library-dark")
        window.appearance.choose_theme("system")
        window.appearance.set_zoom(150)  # View › Larger text: the shelf and outline fit
        shots.shoot("library-150")
        window.appearance.set_zoom(100)

        # The home view: each course's progress, this week's study time, "Reprendre".
        manifest = parse_manifest(content.courses[COURSE].manifest)
        progress = context.progress()
        first = manifest.parts[0].chapters[0]
        progress.complete_chapter(COURSE, first, manifest)  # read to its end meanwhile
        progress.record_study(COURSE, first, 2700, manifest)
        home_view = window.home_view
        window.tabs.setCurrentWidget(home_view)
        wait_until(app, lambda: bool(home_view.cards) and home_view.cards[0].course_id == COURSE)
        shots.shoot("home")
        for colours in ("dark", "high-contrast"):  # View › Colours, then back to the usual
            window.appearance.choose_theme(colours)
            shots.shoot(f"home-{colours}")
        window.appearance.choose_theme("system")

        # The rest of the course, finished here: the platform then issues a certificate,
        # announced above the tabs while Camille is on the home view.
        for part in manifest.parts:
            for chapter in part.chapters:
                found = next((b.quiz for b in chapter.blocks if b.quiz), None)
                if found is None:
                    progress.complete_chapter(COURSE, chapter, manifest)
                else:  # the quiz above too: its best score now passes
                    answers = {q.id: q.correct for q in found.questions}
                    progress.submit(COURSE, found, answers, manifest)
        progress.record_study(COURSE, first, 1025, manifest)
        wait_until(app, lambda: context.sync is not None)
        window.sync_now()
        wait_until(app, window.certificate_notice.isVisible, timeout=60)
        window.home.refresh()
        settle(app, 1.0)
        shots.shoot("certificate-notice")
        window.certificate_notice._button.click()  # "Voir mes certificats"
        wallet = window.certificates_view
        wait_until(app, lambda: wallet.list.count() == 1, timeout=60)
        wallet.list.setCurrentRow(0)
        shots.shoot("certificates")

        window.show_account()
        shots.shoot("account")

        window.show_catalogue()
        shots.shoot("catalogue")

        diagnostic = window.show_diagnostic()
        dialog = diagnostic.window
        wait_until(app, lambda: dialog.isVisible())
        settle(app, 3.0)  # the checks run on a worker
        shots.shoot("diagnostic", dialog)

        dialog.close()
        window.close()
        settle(app)
        context.close()
    print(f"{len(shots.saved)} screenshots in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
