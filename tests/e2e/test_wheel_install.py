"""`pip install .` and the wheel install a complete app (issue 15, item 0): resources,
translations and sample courses inside the package. Seen: a plain install came up in
English, unstyled, saying there was no course to show.

The wheel is built from this checkout and installed into a fresh virtual environment whose
dependencies come from the project's own (a path line, not the editable install, which a
path line does not activate); the app then runs from outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.e2e.test_app_process import app_env, wait_for_line, without_python_path

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = folder.glob("companion-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python: Path = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "project-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
        # A checkout on PYTHONPATH (with the companion.egg-info the wheel build leaves in
        # it) would count as Companion already installed, and pip would skip the wheel.
        env=without_python_path(os.environ),
    )
    return python


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
