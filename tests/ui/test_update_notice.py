"""The update notice in the window (issue 26, item 6): quiet — a line at the right of the
status bar with the version and the download's size, no dialog — after the first paint,
from the demo platform's announcement over loopback."""

from __future__ import annotations

import pytest

from companion.ui import update_notice
from companion.ui.app import check_for_updates
from companion.ui.qt import QApplication


@pytest.fixture
def announced(platform_env):
    extensions = platform_env.app.extensions["companion"]
    saved = extensions["desktop_release"]
    extensions["desktop_release"] = {"version": "99.1", "size_bytes": 43_000_000, "url": ""}
    yield platform_env
    extensions["desktop_release"] = saved


def test_a_newer_version_is_a_quiet_line_in_the_status_bar(qtbot, make_window, announced):
    window = make_window()
    check_for_updates(window, window.context)
    qtbot.waitUntil(lambda: window.findChild(update_notice.UpdateLabel) is not None, timeout=20_000)
    label = window.findChild(update_notice.UpdateLabel)
    assert label.text() == "Companion 99.1 est disponible (43 Mo à télécharger)"
    assert label.accessibleName() == label.text()
    assert "centre de formation" in label.toolTip()  # no address announced: who has it
    assert label.isVisible() and QApplication.activeModalWidget() is None
    assert announced.traffic.requests.get("/v1/desktop") == 1


def test_nothing_on_a_kiosk(qtbot, make_window, announced, tmp_path, monkeypatch):
    policy = tmp_path / "policy.toml"
    policy.write_text("[kiosk]\nenabled = true\n", encoding="utf-8")
    monkeypatch.setenv("COMPANION_POLICY_FILE", str(policy))
    window = make_window()
    assert window.context.areas.kiosk
    check_for_updates(window, window.context)
    qtbot.wait(300)
    assert window.findChild(update_notice.UpdateLabel) is None
    assert announced.traffic.requests.get("/v1/desktop") is None
