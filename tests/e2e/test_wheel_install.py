"""`pip install .` and the wheel install a complete app (issue 15, item 0): resources,
translations and sample courses inside the package. Seen: a plain install came up in
English, unstyled, saying there was no course to show.

The wheel is built from this checkout and installed into a fresh virtual environment with
nothing borrowed from the project's own (issue 26: a path line to the dev environment hid
that the demo platform's Flask was missing from a plain install). Its dependencies come
from a wheelhouse of the pinned, hash-checked requirements/app.txt, downloaded once into
build/wheelhouse (85 MB, most of it Qt) and installed with ``--no-index``: what a learner's
`pip install` gets, offline after the first run. The app then runs from outside the
checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_app_process import (
    app_env,
    passing_self_test,
    wait_for_line,
    without_python_path,
)

REPO = Path(__file__).resolve().parents[2]
WHEELHOUSE = REPO / "build" / "wheelhouse"
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def wheelhouse() -> Path:
    """The app's pinned dependencies as wheels (pip skips what is already there)."""
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "-q", "--require-hashes"),
            *("--only-binary=:all:", "-r", str(REPO / "requirements" / "app.txt")),
            *("-d", str(WHEELHOUSE)),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return WHEELHOUSE


def build_wheel(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = folder.glob("companion-*.whl")
    return wheel


def isolated_venv(folder: Path) -> Path:
    """A virtual environment that sees only its own packages and the standard library."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=120)
    config = (folder / "pyvenv.cfg").read_text(encoding="utf-8")
    assert "include-system-site-packages = false" in config
    return folder / "bin" / "python"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(folder)
    python = isolated_venv(folder / "venv")
    result = subprocess.run(
        [
            *(str(python), "-m", "pip", "install", "-q", "--no-index"),
            *("--find-links", str(wheelhouse()), str(wheel)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        # A checkout on PYTHONPATH (with the companion.egg-info the wheel build leaves in
        # it) would count as Companion already installed, and pip would skip the wheel.
        env=without_python_path(os.environ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return python


def test_nothing_is_borrowed_from_the_project_environment(installed, tmp_path):
    paths = subprocess.run(
        [str(installed), "-c", "import sys, flask; print(flask.__file__); print(*sys.path)"],
        cwd=tmp_path,
        env=without_python_path(os.environ),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    venv = installed.parent.parent
    flask_file, search_path = paths.splitlines()
    assert Path(flask_file).is_relative_to(venv)  # the demo platform came with the wheel
    project_venv = Path(sys.prefix)
    assert str(project_venv) not in search_path and str(REPO) not in search_path
    assert not list(venv.rglob("*.pth")) or all(
        str(project_venv) not in p.read_text(encoding="utf-8") for p in venv.rglob("*.pth")
    )


def test_the_installed_package_carries_its_resources(installed, tmp_path):
    found = subprocess.run(
        [str(installed), "-c", "import companion.resources as r; print(r.resources_dir())"],
        cwd=tmp_path,  # never the checkout: its resources/ must not be what is found
        env=without_python_path(os.environ),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    resources = Path(found)
    assert "site-packages" in found and not resources.is_relative_to(REPO)
    for part in (
        "styles/app.qss",
        "translations/fr/LC_MESSAGES/companion.mo",
        "openapi.yaml",
        "sample_courses/securite-chantier/course.toml",
    ):
        assert (resources / part).is_file(), part


def test_the_installed_app_starts_in_french_with_the_demo_courses(installed, companion_home):
    env = without_python_path(
        app_env(companion_home, COMPANION_BENCH="1", QT_QPA_PLATFORM="offscreen")
    )
    process = subprocess.Popen(
        [str(installed), "-m", "companion"],
        env=env,
        cwd=companion_home.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_line(process, "catalog painted", timeout=90)  # the demo catalogue, painted
    finally:
        process.terminate()
        process.communicate(timeout=30)
    settings = subprocess.run(
        [str(installed), "-m", "companion", "sync", "--status"],
        env=without_python_path(app_env(companion_home)),
        cwd=companion_home.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Actions en attente d'envoi" in settings.stdout, settings.stdout + settings.stderr


def test_the_installed_app_passes_its_self_test(installed, companion_home):
    env = without_python_path(app_env(companion_home, QT_QPA_PLATFORM="offscreen"))
    passing_self_test([str(installed), "-m", "companion"], env, companion_home.parent)


def test_the_installed_app_opens_a_demo_course_with_its_outline(installed, companion_home):
    """The window of a plain install, with no platform configured: the demo platform
    starts, a sample course goes into the library, its outline shows."""
    env = without_python_path(
        app_env(
            companion_home,
            QT_QPA_PLATFORM="offscreen",
            WHEEL_PROBE_COURSE="securite-chantier",
        )
    )
    process = subprocess.Popen(
        [str(installed), str(Path(__file__).with_name("wheel_probe.py"))],
        env=env,
        cwd=companion_home.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        lines.append(wait_for_line(process, "outline: ", timeout=90))
        lines.append(wait_for_line(process, "outline shown", timeout=30))
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert "Comprendre les risques" in "".join(lines), "".join(lines) + errors
