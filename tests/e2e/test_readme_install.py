"""The README's install steps for learners run as written (issue 26, item 5): every fenced
shell block of README.md's "Learners" section, run by /bin/sh -e in a fresh account (a
scratch HOME, nothing of the project's on PATH), must end with an app that answers
`--version` and passes `--self-test` — on the X server of the test run, with the
platform plugin a learner gets, not offscreen.

What stands in for the learner's download: the commands start with `cd ~/Downloads`, so
the test puts there what the learner would have downloaded — the bundle's archive, packed
from this checkout's build (xz -0: the same tar, quicker than the release's xz -9), or the
wheel built from this checkout. The wheel's dependencies come from the pinned wheelhouse of
tests/e2e/test_wheel_install.py, through pip's own environment variables (PIP_NO_INDEX,
PIP_FIND_LINKS): the README's command itself is unchanged. No command is rewritten."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from companion import __version__
from tests.e2e.test_bundle import BUNDLE, bundled_app  # noqa: F401 - the build fixture
from tests.e2e.test_wheel_install import build_wheel, wheelhouse

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def learner_blocks() -> dict[str, str]:
    """The Learners section's shell blocks, by route: "bundle" (tar) or "wheel" (pip)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Learners\n", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```$", section, flags=re.S | re.M)
    routes = {"bundle" if "tar -xJf" in block else "wheel": block for block in blocks}
    assert len(routes) == len(blocks) == 2, blocks
    return routes


def fresh_account(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    keep = ("DISPLAY", "XAUTHORITY", "LANG", "TZ")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(HOME=str(home), PATH="/usr/local/bin:/usr/bin:/bin", USER="learner")
    return home, env


def run_block(block: str, env: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["/bin/sh", "-e", "-c", block],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{block}\n---\n{result.stdout}\n{result.stderr}"
    return result


def answers(program: Path, env: dict[str, str]) -> None:
    version = subprocess.run(
        [str(program), "--version"], env=env, capture_output=True, text=True, timeout=60
    )
    assert version.stdout.strip() == f"companion {__version__}", version.stderr


def self_test_passed(output: str) -> None:
    assert "autotest : toutes les vérifications sont passées" in output, output
    desktop = next(line for line in output.splitlines() if "qt-desktop:" in line)
    assert desktop.startswith("ok") and "xcb" in desktop, desktop  # the real plugin


def test_the_bundle_route_runs_as_written(bundled_app, tmp_path):  # noqa: F811
    home, env = fresh_account(tmp_path)
    archive = home / "Downloads" / f"companion-{__version__}-linux-x86_64.tar.xz"
    subprocess.run(
        ["tar", "-C", str(BUNDLE.parent), "-cf", str(archive), "-I", "xz -0 -T0", BUNDLE.name],
        check=True,
        timeout=300,
    )
    result = run_block(learner_blocks()["bundle"], env, home)
    self_test_passed(result.stdout)
    app = home / ".local" / "opt" / "companion" / "companion"
    answers(app, env)
    entry = home / ".local" / "share" / "applications" / "org.companion.Companion.desktop"
    assert f'Exec="{app}" %u' in entry.read_text(encoding="utf-8")  # the launcher, from the menu


def test_the_wheel_route_runs_as_written(tmp_path):
    home, env = fresh_account(tmp_path)
    build_wheel(home / "Downloads")
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse()))
    result = run_block(learner_blocks()["wheel"], env, home)
    self_test_passed(result.stdout)
    app = home / ".local" / "opt" / "companion-venv" / "bin" / "companion"
    answers(app, env)
    assert sys.prefix not in (app.parent.parent / "pyvenv.cfg").read_text(encoding="utf-8")
