"""What Orca itself says reading a chapter (issue 27): a manual check, not part of the
suite (Orca is a GTK application of its own; CI reads the AT-SPI bus directly instead).

    apt install orca xdotool     # Debian 12: Orca 43.1
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m pytest -s tests/a11y/orca_probe.py

Orca runs on the test's private AT-SPI bus with a debug file, which logs each utterance
("SPEECH OUTPUT: '…'") whether or not a speech synthesiser is there; the keys are real X
key presses (xdotool), since Orca speaks a caret move only after a key it saw.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from tests.a11y.test_chapter_reading import OPEN_TEXT


def said(log: Path) -> list[str]:
    """Each utterance: the words of "SPEECH OUTPUT: 'words' {'voice': …}"."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    found = (re.search(r"SPEECH OUTPUT: '(.*)'\s*\{'", line) for line in lines)
    return [match.group(1) for match in found if match]


def press(key: str, pause: float = 1.5) -> None:
    subprocess.run(["xdotool", "key", key], check=True)
    time.sleep(pause)


def test_orca_reads_a_chapter_its_lines_and_its_link(companion, atspi, tmp_path):
    log = tmp_path / "orca.log"
    home = tmp_path / "orca-home"
    home.mkdir()
    env = {**os.environ, **atspi.env, "HOME": str(home)}
    orca = subprocess.Popen(
        ["orca", "--replace", f"--debug-file={log}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(6)  # Orca up, listening
        companion.run(
            OPEN_TEXT + "\nreader = steps.open_chapter(window, steps.LINK_CHAPTER)\n"
            "wait_until(lambda: steps.focused() is reader.browser)"
        )
        time.sleep(3)
        opened = len(said(log))
        for _line in range(3):
            press("Down")
        press("Tab")
        heard = said(log)
        print("\n".join(heard))
    finally:
        orca.terminate()
        orca.wait(10)
    assert "Texte du chapitre label." in heard[:opened]
    assert not [words for words in heard if "layered pane" in words]
    assert any("Avant d'aider une victime" in words for words in heard[opened:])  # a line
    assert "Fiche mémo du cours (PDF) link." in heard[opened:]
