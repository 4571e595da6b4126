"""Issue 26: programs Companion opens get the learner's environment, not the bundle's."""

from __future__ import annotations

import os
import subprocess
import sys
import webbrowser
from pathlib import Path

from companion.child_env import restore_user_environment


def bundled(monkeypatch, folder: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(folder), raising=False)


def test_outside_a_bundle_nothing_changes(monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    env = {"LD_LIBRARY_PATH": "/opt/lib", "QT_PLUGIN_PATH": "/opt/qt"}
    restore_user_environment(env)
    assert env == {"LD_LIBRARY_PATH": "/opt/lib", "QT_PLUGIN_PATH": "/opt/qt"}


def test_the_bootloaders_originals_come_back_and_bundle_paths_go(monkeypatch, tmp_path):
    bundled(monkeypatch, tmp_path / "companion")
    inside = str(tmp_path / "companion" / "_internal")
    env = {
        "LD_LIBRARY_PATH": f"{inside}:/usr/local/lib",
        "LD_LIBRARY_PATH_ORIG": "/usr/local/lib",
        "QT_PLUGIN_PATH": f"{inside}/PySide6/Qt/plugins:/home/l/.local/qt",
        "QML2_IMPORT_PATH": f"{inside}/PySide6/Qt/qml",
        "PATH": "/usr/bin",
    }
    restore_user_environment(env)
    assert env == {
        "LD_LIBRARY_PATH": "/usr/local/lib",
        "QT_PLUGIN_PATH": "/home/l/.local/qt",  # the learner's own entry stays
        "PATH": "/usr/bin",
    }


def test_a_bundle_that_set_a_path_the_session_had_not_removes_it(monkeypatch, tmp_path):
    bundled(monkeypatch, tmp_path)
    env = {"LD_LIBRARY_PATH": str(tmp_path / "lib")}  # no _ORIG: there was none
    restore_user_environment(env)
    assert "LD_LIBRARY_PATH" not in env


def test_the_browser_started_after_it_sees_no_bundle_path(monkeypatch, tmp_path):
    """Through the opener the app uses for sign-in (webbrowser, honouring $BROWSER)."""
    bundled(monkeypatch, tmp_path / "bundle")
    seen = tmp_path / "seen-environment"
    browser = tmp_path / "browser"
    browser.write_text(f"#!/bin/sh\nenv > {seen}\n", encoding="utf-8")
    browser.chmod(0o700)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(tmp_path / "bundle" / "lib"))
    monkeypatch.setenv("QT_PLUGIN_PATH", str(tmp_path / "bundle" / "plugins"))
    monkeypatch.setenv("BROWSER", str(browser))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read $BROWSER afresh
    monkeypatch.setattr(webbrowser, "_browsers", {})
    restore_user_environment()
    assert webbrowser.open("https://example.org/")
    for _wait in range(50):
        if seen.exists() and seen.read_text(encoding="utf-8"):
            break
        subprocess.run(["sleep", "0.1"], check=True)
    lines = seen.read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if str(tmp_path / "bundle") in line]
    assert os.environ.get("LD_LIBRARY_PATH") is None
