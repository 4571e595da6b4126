"""The Qt half of `companion --self-test` (the other half: companion.services.self_test):
Companion's widget modules import, Qt's own French catalogue loads, and a window comes up
on the offscreen platform with the app's style, icon and image formats."""

from __future__ import annotations

from pathlib import Path

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

# Course pages show these; each is a Qt plugin the bundle has to carry (PNG is built in).
IMAGE_FORMATS = (b"jpeg", b"gif", b"svg", b"webp")


def qt_checks() -> list[Check]:
    return [
        ("qt-imports", check_ui_imports),
        ("qt-translations", check_qt_translations),
        ("qt-window", check_offscreen_window),
    ]


def application() -> QApplication:
    """The app's own QApplication (style sheet, icon), on the offscreen platform: the
    self-test runs on build machines and in CI, with no screen."""
    from companion.ui.app import create_application

    return create_application(["companion", "-platform", "offscreen"])


def check_ui_imports(_: Path) -> str:
    return f"{import_all('companion.ui')} modules of the interface"


def check_qt_translations(_: Path) -> str:
    app = application()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(QLocale("fr"), "qtbase", "_", folder):
        raise FileNotFoundError(f"Qt's French catalogue (qtbase_fr.qm) not found in {folder}")
    return f"qtbase_fr.qm loaded from {folder}"


def check_offscreen_window(_: Path) -> str:
    app = application()
    missing = [f.decode() for f in IMAGE_FORMATS if f not in _image_formats()]
    if missing:
        raise LookupError(f"no Qt image plugin for {', '.join(missing)}")
    if _icon_pixels(app.windowIcon()) == 0:
        raise LookupError("the SVG window icon does not draw (Qt's SVG icon plugin)")
    window = QMainWindow()
    window.setCentralWidget(QLabel("Companion"))
    window.show()
    app.processEvents()
    shown = window.isVisible()
    window.close()
    if not shown:
        raise RuntimeError("the window did not show")
    return f"window shown on the {app.platformName()} platform, with the SVG icon"


def _image_formats() -> set[bytes]:
    return {bytes(name.data()) for name in QImageReader.supportedImageFormats()}


def _icon_pixels(icon: QIcon) -> int:
    pixmap = icon.pixmap(32, 32)
    return 0 if pixmap.isNull() else pixmap.width() * pixmap.height()
