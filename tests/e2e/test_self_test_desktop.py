"""`companion --self-test` tries the platform plugin the learner's start gets, not only
offscreen (issue 26, item 4: it said all was well where the window could not open). Run as
a learner runs it, against the X server of the test run (xvfb-run), with what a broken
desktop has: no session, a display that does not answer, a damaged system library."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.test_app_process import app_env

from companion.ui.self_test import why_no_window

pytestmark = pytest.mark.e2e


def self_test(companion_home, **changes: str | None) -> tuple[int, str]:
    env = app_env(companion_home)
    env.pop("QT_QPA_PLATFORM", None)  # what the learner's desktop gives
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    result = subprocess.run(
        [sys.executable, "-m", "companion", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    line = next(
        (line for line in result.stdout.splitlines() if "qt-desktop:" in line),
        result.stdout + result.stderr,
    )
    return result.returncode, line


def test_a_window_opens_on_the_desktop_platform(companion_home):
    assert os.environ.get("DISPLAY"), "run under xvfb-run, as the suite is"
    code, line = self_test(companion_home, WAYLAND_DISPLAY=None)
    assert line.startswith("ok") and "xcb" in line, line
    assert code == 0


def test_a_missing_session_is_said(companion_home):
    code, line = self_test(companion_home, DISPLAY=None, WAYLAND_DISPLAY=None)
    assert code == 1
    assert "DISPLAY" in line and "WAYLAND_DISPLAY" in line and not line.startswith("ok"), line


def test_a_display_that_does_not_answer_is_said(companion_home):
    code, line = self_test(companion_home, DISPLAY=":97", WAYLAND_DISPLAY=None)
    assert code == 1
    assert "could not connect to display :97" in line, line


def test_a_damaged_system_library_is_named(companion_home, tmp_path):
    """Qt 6's xcb plugin needs libxcb-cursor, which desktops often lack: an empty file of
    that name first on the library path is what the loader refuses."""
    (tmp_path / "libxcb-cursor.so.0").write_bytes(b"")
    code, line = self_test(companion_home, LD_LIBRARY_PATH=str(tmp_path), WAYLAND_DISPLAY=None)
    assert code == 1
    assert "libxcb-cursor.so.0" in line and "xcb-cursor0" in line, line


def test_a_missing_library_is_named_from_qts_words():
    """The words Qt 6.11 prints (QT_DEBUG_PLUGINS=1) on a desktop without libxcb-cursor."""
    errors = (
        'qt.core.library: "/opt/companion/_internal/PySide6/Qt/plugins/platforms/libqxcb.so" '
        "cannot load: Cannot load library /opt/companion/_internal/PySide6/Qt/plugins/"
        "platforms/libqxcb.so: (libxcb-cursor.so.0: cannot open shared object file: No such "
        "file or directory)\n"
        "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt "
        "xcb platform plugin.\n"
        'qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was '
        "found.\n"
    )
    said = why_no_window(errors, -6)
    assert "libxcb-cursor.so.0" in said and "cannot open shared object file" in said
    assert "xcb-cursor0 or libxcb-cursor0 is needed" in said
