"""Qt's own texts (Cancel, the file dialog, "Ctrl+Maj+S") in the learner's language.

Companion's strings go through gettext (companion.i18n); Qt's come from the catalogues
shipped with PySide6 (qtbase_fr.qm), loaded with a QTranslator that follows the language."""

from __future__ import annotations

import logging

from companion.ui.qt import QApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("companion.ui")

_installed: QTranslator | None = None


def install_qt_translations(language: str) -> bool:
    """Replace Qt's catalogue with `language`'s; English needs none. True when loaded."""
    global _installed
    app = QApplication.instance()
    if app is None:
        return False
    QLocale.setDefault(QLocale(language))
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    if language == "en":
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(language), "qtbase", "_", folder):
        log.info("Qt's own %s translations not found in %s", language, folder)
        return False
    app.installTranslator(translator)
    _installed = translator
    return True
