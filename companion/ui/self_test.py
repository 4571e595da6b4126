"""The Qt half of `companion --self-test` (the other half: companion.services.self_test):
Companion's widget modules import, Qt's own French catalogue loads, and a window comes up
on the offscreen platform with the app's style, icon and image formats; then, in a child
process (a platform Qt cannot load aborts the process), a window on the platform the
learner's desktop gives (xcb, wayland, cocoa, windows), naming the missing library when Qt
says which (issue 26: the self-test passed offscreen where the app could not open)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from companion.i18n import _
from companion.services.demo_platform import own_command
from companion.services.self_test import Check, import_all

from companion.ui.qt import (
    QApplication,
    QIcon,
    QImageReader,
    QLabel,
    QLibraryInfo,
    QLocale,
    QMainWindow,
    QTranslator,
)

# The child's argument (companion.cli runs show_on_this_desktop for it).
DISPLAY_PROBE = "--self-test-display"
DISPLAY_SECONDS = 30
# Qt's words when a platform plugin cannot load: the loader's, with QT_DEBUG_PLUGINS=1
# ("Cannot load library …/libqxcb.so: (libxcb-cursor.so.0: cannot open shared object
# file…)"), then its own sentences ("xcb-cursor0 or libxcb-cursor0 is needed…").
_MISSING_LIBRARY = re.compile(
    r"Cannot load library \S+: \(?(?:\S*/)?([^/:()\s]+\.so[.\d]*): ([^)\"\n]+)"
)
_QT_SENTENCES = re.compile(r"^qt\.qpa\.\w+: (.+)$|^(could not connect to display.*)$", re.M)

# Course pages show these; each is a Qt plugin the bundle has to carry (PNG is built in).
IMAGE_FORMATS = (b"jpeg", b"gif", b"svg", b"webp")


def qt_checks() -> list[Check]:
    return [
        ("qt-imports", check_ui_imports),
        ("qt-translations", check_qt_translations),
        ("qt-window", check_offscreen_window),
        ("qt-desktop", check_window_on_this_desktop),
    ]


def application() -> QApplication:
    """The app's own QApplication (style sheet, icon), on the offscreen platform: the
    self-test runs on build machines and in CI, with no screen."""
    from companion.ui.app import create_application

    return create_application(["companion", "-platform", "offscreen"])


def check_ui_imports(_folder: Path) -> str:
    return _("the interface imported (modules: {n})").format(n=import_all("companion.ui"))


def check_qt_translations(_folder: Path) -> str:
    app = application()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(QLocale("fr"), "qtbase", "_", folder):
        raise FileNotFoundError(
            _("Qt's French catalogue (qtbase_fr.qm) not found in {folder}").format(folder=folder)
        )
    return _("qtbase_fr.qm loaded from {folder}").format(folder=folder)


def check_offscreen_window(_folder: Path) -> str:
    app = application()
    missing = [f.decode() for f in IMAGE_FORMATS if f not in _image_formats()]
    if missing:
        raise LookupError(_("no Qt image plugin for {formats}").format(formats=", ".join(missing)))
    if _icon_pixels(app.windowIcon()) == 0:
        raise LookupError(_("the SVG window icon does not draw (Qt's SVG icon plugin)"))
    if not window_shows(app):
        raise RuntimeError(_("the window did not show"))
    return _("window shown on the {platform} platform, with the SVG icon").format(
        platform=app.platformName()
    )


def window_shows(app: QApplication) -> bool:
    window = QMainWindow()
    window.setCentralWidget(QLabel("Companion"))
    window.show()
    app.processEvents()
    shown = window.isVisible()
    window.close()
    return shown


def _image_formats() -> set[bytes]:
    return {bytes(name.data()) for name in QImageReader.supportedImageFormats()}


def _icon_pixels(icon: QIcon) -> int:
    pixmap = icon.pixmap(32, 32)
    return 0 if pixmap.isNull() else pixmap.width() * pixmap.height()


def check_window_on_this_desktop(_folder: Path) -> str:
    """The platform plugin the learner's start gets (the environment's QT_QPA_PLATFORM, else
    Qt's choice), in a child process, as the app itself would open."""
    environment = {**os.environ, "QT_DEBUG_PLUGINS": "1"}
    session = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    if sys.platform.startswith("linux") and not any(environment.get(v) for v in session):
        raise RuntimeError(
            _(
                "no graphical session here (DISPLAY and WAYLAND_DISPLAY are empty): "
                "no window can open"
            )
        )
    try:
        child = subprocess.run(  # noqa: S603 - Companion itself, with a fixed argument
            [*own_command(), DISPLAY_PROBE],
            env=environment,
            capture_output=True,
            text=True,
            timeout=DISPLAY_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise TimeoutError(
            _("no window on this desktop after {n} s").format(n=DISPLAY_SECONDS)
        ) from None
    words = child.stdout.split()
    if child.returncode == 0 and words[:1] == ["shown"]:
        return _("window shown on this desktop's {platform} platform").format(platform=words[1])
    raise RuntimeError(why_no_window(child.stderr, child.returncode))


def why_no_window(errors: str, code: int) -> str:
    """The missing library when the loader named one, and Qt's own sentences."""
    said = " ".join(a or b for a, b in _QT_SENTENCES.findall(errors))
    missing = _MISSING_LIBRARY.search(errors)
    if missing:
        library, reason = missing.group(1), missing.group(2).strip()
        text = _(
            "the window cannot open on this desktop: the library {library} is missing or "
            "damaged ({reason})"
        ).format(library=library, reason=reason)
        return f"{text}. {said}".strip()
    last = next((line for line in reversed(errors.splitlines()) if line.strip()), "")
    return _("the window cannot open on this desktop (exit code {code}): {qt}").format(
        code=code, qt=said or last
    )


def show_on_this_desktop() -> int:
    """The child of check_window_on_this_desktop: a window on the default platform."""
    app = QApplication(["companion"])
    shown = window_shows(app)
    print("shown" if shown else "hidden", app.platformName(), flush=True)
    return 0 if shown else 1
