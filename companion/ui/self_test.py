"""The Qt half of `companion --self-test` (the other half: companion.services.self_test):
Companion's widget modules import, Qt's own French catalogue loads, and a window comes up
on the offscreen platform with the app's style, icon and image formats."""

from __future__ import annotations

from pathlib import Path

from companion.i18n import _
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
    window = QMainWindow()
    window.setCentralWidget(QLabel("Companion"))
    window.show()
    app.processEvents()
    shown = window.isVisible()
    window.close()
    if not shown:
        raise RuntimeError(_("the window did not show"))
    return _("window shown on the {platform} platform, with the SVG icon").format(
        platform=app.platformName()
    )


def _image_formats() -> set[bytes]:
    return {bytes(name.data()) for name in QImageReader.supportedImageFormats()}


def _icon_pixels(icon: QIcon) -> int:
    pixmap = icon.pixmap(32, 32)
    return 0 if pixmap.isNull() else pixmap.width() * pixmap.height()
