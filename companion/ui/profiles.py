"""File › Switch profile: profiles are switched explicitly, Companion restarts on the
chosen one (a name typed in the picker is created)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from companion.errors import UserFacingError
from companion.i18n import _
from companion.paths import check_profile_name

from companion.ui import qt
from companion.ui.qt import QWidget


class ProfileSwitcher:
    def __init__(self, window: QWidget, current: str, existing: Callable[[], list[str]]) -> None:
        self.window = window  # the picker's parent; closed once the new process starts
        self.current = current
        self.existing = existing

    def switch(self) -> None:
        existing = self.existing() or [self.current]
        name, chosen = qt.QInputDialog.getItem(
            self.window,
            _("Switch profile"),
            _("Learner profile (type a new name to create one):"),
            existing,
            existing.index(self.current) if self.current in existing else 0,
            True,
        )
        if not chosen or name == self.current:
            return
        try:
            check_profile_name(name)
        except UserFacingError as error:
            qt.QMessageBox.warning(self.window, error.message, error.hint)
            return
        arguments = ["-m", "companion", "--profile", name]
        if name not in existing:
            arguments.append("--create-profile")  # typed in the picker: the learner's choice
        qt.QProcess.startDetached(sys.executable, arguments)
        self.window.close()
