"""A second window on a profile already open in another process says why it does not open."""

from __future__ import annotations

import pytest

from companion.store.instance import ProfileInUse
from tests.integration.test_profile_lock import REFUSED_FR, opened
from tests.ui.test_main_window import _keep_screenshot

from companion.ui import app
from companion.ui.qt import QApplication, QMessageBox, QTimer


def read_the_refusal(screenshot: str = "") -> list[tuple[str, str]]:
    """Once the refusal window is up: its text and hint, kept, and the window closed."""
    shown: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, read_and_close)
            return
        shown.append((box.text(), box.informativeText()))
        if screenshot:
            _keep_screenshot(box, screenshot)
        box.accept()

    QTimer.singleShot(50, read_and_close)
    return shown


def test_the_second_window_explains_and_opens_nothing(qapp, platform_env):
    holder = opened("default")  # the first window, in its own process
    shown = read_the_refusal()
    try:
        with pytest.raises(ProfileInUse):
            app.run("default")
    finally:
        holder.kill()
        holder.wait(10)
    assert shown and shown[0][0] == REFUSED_FR
    assert shown[0][1].startswith("Revenez à la fenêtre de Companion")


def test_a_data_folder_that_cannot_be_written_is_explained_in_a_window(
    qapp, platform_env, companion_home, enforced_permissions
):
    from companion.files import StorageProblem
    from tests.permission_helpers import read_only

    data = companion_home / "data"
    data.mkdir(parents=True)
    shown = read_the_refusal("read-only-data-folder")
    with read_only(data), pytest.raises(StorageProblem):
        app.run("default")
    assert shown and shown[0][0] == f"Companion n'a pas le droit d'écrire dans {data}."
    assert "droits d'accès" in shown[0][1]
