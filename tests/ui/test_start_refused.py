"""A second window on a profile already open in another process says why it does not open."""

from __future__ import annotations

import pytest

from companion.store.instance import ProfileInUse
from tests.integration.test_profile_lock import REFUSED_FR, opened

from companion.ui import app
from companion.ui.qt import QApplication, QMessageBox, QTimer


def test_the_second_window_explains_and_opens_nothing(qapp, platform_env):
    holder = opened("default")  # the first window, in its own process
    shown: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, read_and_close)
            return
        shown.append((box.text(), box.informativeText()))
        box.accept()

    QTimer.singleShot(50, read_and_close)
    try:
        with pytest.raises(ProfileInUse):
            app.run("default")
    finally:
        holder.kill()
        holder.wait(10)
    assert shown and shown[0][0] == REFUSED_FR
    assert shown[0][1].startswith("Revenez à la fenêtre de Companion")
