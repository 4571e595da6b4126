"""Runs the doctor for the Diagnostic window, and makes the support bundle from it.

Both run on a worker: the doctor waits on the network (each step with its deadline) and
the bundle reads logs and writes a zip. The window shows "checking…" meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from companion.errors import describe

from companion.ui import qt
from companion.ui.bridge import run_in_background
from companion.ui.qt import QObject, QWidget
from companion.ui.views.diagnostic_window import DiagnosticWindow

if TYPE_CHECKING:
    from companion.services.doctor import Diagnosis
    from companion.services.support_bundle import Bundle

log = logging.getLogger("companion.ui")


class DiagnosticController(QObject):
    """One Diagnostic window per main window; opening it again re-runs the checks."""

    def __init__(self, parent: QWidget, diagnose: Callable[[str], Diagnosis]) -> None:
        """``diagnose``: the doctor's checks, given Qt's version (on a worker: it waits on
        the network, each step with its deadline)."""
        super().__init__(parent)
        self.diagnose = diagnose
        self.window = DiagnosticWindow(parent)
        self.diagnosis: Diagnosis | None = None
        self.bundle: Bundle | None = None
        self.bundle_folder: Path | None = None  # tests write elsewhere than Documents
        self.window.rerun_requested.connect(self.run)
        self.window.copy_requested.connect(self._copy)
        self.window.bundle_requested.connect(self._make_bundle)
        self.window.show_bundle_requested.connect(self._show_bundle)

    def open(self) -> None:
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self.run()

    def run(self) -> None:
        self.window.show_running()
        diagnose, qt_version = self.diagnose, str(qt.qVersion())
        log.info("diagnostic opened")
        run_in_background(self, lambda: diagnose(qt_version), self._show, self._failed)

    def _show(self, diagnosis: Diagnosis) -> None:
        self.diagnosis = diagnosis
        self.window.show_report(diagnosis.report)

    def _failed(self, error: BaseException) -> None:
        message, hint, _reference = describe(error)
        self.window.show_failure(message, hint)

    def _copy(self) -> None:
        if self.diagnosis is not None:
            qt.QGuiApplication.clipboard().setText(self.diagnosis.report.to_text())

    def _make_bundle(self) -> None:
        diagnosis = self.diagnosis
        if diagnosis is None:
            return
        folder = self.bundle_folder
        self.window.bundle.setEnabled(False)

        def write() -> Bundle:
            from companion.services.support_bundle import default_folder, write_bundle

            return write_bundle(diagnosis, folder or default_folder())

        run_in_background(self, write, self._bundle_made, self._bundle_failed)

    def _bundle_made(self, bundle: Bundle) -> None:
        self.bundle = bundle
        log.info("support bundle written, code %s", bundle.code)
        self.window.bundle.setEnabled(True)
        self.window.show_bundle_result(bundle.code, str(bundle.path))

    def _bundle_failed(self, error: BaseException) -> None:
        self.window.bundle.setEnabled(True)
        self._failed(error)

    def _show_bundle(self) -> None:
        """Open the folder that holds the zip (a folder, never a file from elsewhere)."""
        if self.bundle is not None:
            folder = qt.QUrl.fromLocalFile(str(self.bundle.path.parent))
            qt.QDesktopServices.openUrl(folder)
