"""The bundle's launcher (packaging/linux/companion-launcher, ./companion in the bundle) on
systems it must refuse (issue 26, item 1): a Linux whose C library is older than the
bundle's says so in words, on stderr and as a desktop notification, instead of the
loader's "GLIBC_2.35 not found" (or nothing, from a menu).

A bundle for glibc 2.28 cannot be built here (no manylinux_2_28 Python to download), and no
older system can be run: the launcher runs in a scratch bundle whose app is a stand-in
script, with `getconf`, `ldd` and `notify-send` replaced by scripts on PATH that say what an
older system says and record what they are asked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "packaging" / "linux" / "companion-launcher"
pytestmark = pytest.mark.e2e


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A bundle's layout: the launcher as ./companion, the app as companion-bin behind
    bin/companion, _internal; the stand-in app prints its arguments."""
    folder = tmp_path / "companion"
    (folder / "_internal").mkdir(parents=True)
    shutil.copy2(LAUNCHER, folder / "companion")
    _script(folder / "companion-bin", 'echo "app started: $*"; exit 7')
    (folder / "bin").mkdir()
    (folder / "bin" / "companion").symlink_to(Path("..") / "companion-bin")
    return folder


def run(bundle: Path, tmp_path: Path, getconf: str | None, ldd: str | None = None, **env: str):
    """The launcher with `getconf GNU_LIBC_VERSION` printing ``getconf`` (None: failing, as
    on musl) and `ldd --version` printing ``ldd``; returns the process and the recorded
    notifications."""
    shims = tmp_path / "shims"
    notes = tmp_path / "notifications"
    _script(shims / "getconf", f'echo "{getconf}"' if getconf else "exit 1")
    _script(shims / "ldd", f'echo "{ldd}"' if ldd else "exit 1")
    _script(shims / "notify-send", f'printf "%s|" "$@" >> "{notes}"')
    environment = {
        "PATH": f"{shims}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        **env,
    }
    process = subprocess.run(
        [str(bundle / "companion"), "--self-test"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return process, notes.read_text(encoding="utf-8") if notes.exists() else ""


def test_an_older_c_library_is_refused_in_words_with_a_notification(bundle, tmp_path):
    process, notes = run(bundle, tmp_path, "glibc 2.31", DISPLAY=":0")
    assert process.returncode == 1
    assert "app started" not in process.stdout  # the app itself never ran
    message = process.stderr
    assert "glibc" in message and "2.35" in message and "2.31" in message
    assert "Ubuntu 22.04" in message and "wheel" in message  # what to do instead
    assert "Companion ne peut pas démarrer" in notes and "2.31" in notes  # seen from a menu


def test_debian_10_is_refused_through_ldd_when_getconf_cannot_say(bundle, tmp_path):
    process, _ = run(bundle, tmp_path, None, "ldd (Debian GLIBC 2.28-10+deb10u2) 2.28")
    assert process.returncode == 1
    assert "2.28" in process.stderr and "app started" not in process.stdout


def test_no_notification_when_started_from_a_terminal_without_a_desktop(bundle, tmp_path):
    process, notes = run(bundle, tmp_path, "glibc 2.28")
    assert process.returncode == 1 and notes == ""


@pytest.mark.parametrize("version", ["glibc 2.35", "glibc 2.39", "glibc 3.0"])
def test_a_new_enough_system_starts_the_app_with_its_arguments(bundle, tmp_path, version):
    process, _ = run(bundle, tmp_path, version)
    assert process.stdout.strip() == "app started: --self-test"
    assert process.returncode == 7  # the app's own exit status, through exec
    assert process.stderr == ""


def test_a_system_that_cannot_say_its_c_library_is_not_blocked(bundle, tmp_path):
    process, _ = run(bundle, tmp_path, None, None)
    assert process.stdout.strip() == "app started: --self-test"


def test_a_link_to_the_launcher_finds_the_bundle(bundle, tmp_path):
    """Administrators link /opt/companion/companion into /usr/local/bin (README)."""
    link = tmp_path / "usr-local-bin" / "companion"
    link.parent.mkdir()
    link.symlink_to(bundle / "companion")
    process = subprocess.run(
        [str(link), "--version"],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert process.stdout.strip() == "app started: --version", process.stderr


def test_a_damaged_bundle_says_so(bundle, tmp_path):
    (bundle / "companion-bin").unlink()
    process, _ = run(bundle, tmp_path, "glibc 2.39")
    assert process.returncode == 1
    assert "incomplète" in process.stderr and "incomplete" in process.stderr


def test_the_launcher_is_plain_posix_sh():
    """It must run where the bundle cannot: dash (Debian's /bin/sh) parses it, with no
    bash-only syntax (checkbashisms-like: no [[, arrays, `local`, `source`, `function`)."""
    text = LAUNCHER.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for bashism in (r"\[\[", r"\blocal\b", r"\bsource\b", r"\bfunction\b", r"=\("):
        assert not re.search(bashism, code), bashism
    dash = shutil.which("dash")
    if dash:
        assert subprocess.run([dash, "-n", str(LAUNCHER)], check=False).returncode == 0
    assert os.access(LAUNCHER, os.X_OK)
