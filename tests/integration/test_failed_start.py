"""Issue 26: a start that cannot open a window says why, on standard error and in the log,
and ends with a failure code; it used to abort (134) with nothing said anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def start(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}
    env.update(HOME=str(tmp_path), COMPANION_HOME=str(tmp_path / "companion"), **extra)
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "companion"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def logged(tmp_path: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("companion.log"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display servers of Linux")
def test_no_display_at_all_is_said_before_qt_tries(tmp_path):
    ended = start(tmp_path)
    assert ended.returncode == 1
    assert "Aucune session graphique" in ended.stderr  # in the learner's language
    assert "not started: no display" in logged(tmp_path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display servers of Linux")
def test_a_display_that_does_not_answer_is_said_and_logged(tmp_path):
    ended = start(tmp_path, DISPLAY=":77", QT_QPA_PLATFORM="xcb")  # nobody listens there
    assert ended.returncode != 0
    assert "Companion n'a pas pu démarrer :" in ended.stderr
    log = logged(tmp_path)
    assert "Qt stopped Companion" in log and "could not connect to display" in log
