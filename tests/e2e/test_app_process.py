"""The app as a separate process, as a learner starts it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.e2e


def app_env(companion_home, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env.update(COMPANION_HOME=str(companion_home), **extra)
    return env


def without_python_path(env: Mapping[str, str]) -> dict[str, str]:
    """For a process with a Python of its own (an installed wheel, the bundle): a checkout
    on this run's PYTHONPATH would be imported instead of what is under test."""
    return {k: v for k, v in env.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if needle in line:
            return line
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"{needle!r} not seen; exit code {process.poll()}")


def passing_self_test(command: list[str], env: Mapping[str, str], cwd: Path) -> str:
    """Run ``command --self-test``; its report, once it says every check passed."""
    result = subprocess.run(
        [*command, "--self-test"],
        cwd=cwd,  # never the checkout: what is installed must find everything in itself
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "autotest : toutes les vérifications sont passées" in result.stdout, report
    return result.stdout


def platforms() -> list[str]:
    # A real X server when the run provides one (xvfb-run in .ci/run), offscreen always.
    return ["offscreen", "xcb"] if os.environ.get("DISPLAY") else ["offscreen"]


def run_until_painted(env: dict[str, str], timeout: float) -> tuple[str, str]:
    """Start the app, wait for its list to paint, stop it; returns (stderr, log file)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "companion"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_line(process, "catalog painted", timeout=timeout)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=20)
    log_file = Path(env["COMPANION_HOME"]) / "logs" / "companion.log"  # opened lazily
    return errors, log_file.read_text(encoding="utf-8") if log_file.exists() else ""


@pytest.mark.parametrize("qpa", platforms())
def test_the_app_opens_a_window_listing_the_sandbox_courses(platform_env, companion_home, qpa):
    env = app_env(
        companion_home,
        COMPANION_PLATFORM_API_URL=platform_env.url,
        COMPANION_BENCH="1",
        QT_QPA_PLATFORM=qpa,
    )
    errors, log = run_until_painted(env, timeout=60)
    assert "Traceback" not in errors + log


def test_demo_mode_needs_no_configuration(companion_home):
    env = app_env(companion_home, COMPANION_BENCH="1", QT_QPA_PLATFORM="offscreen")
    _errors, log = run_until_painted(env, timeout=90)
    assert "demo mode: demo platform at http://127.0.0.1:" in log


def run_command(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "companion", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_catalog_command_prints_the_courses(platform_env, companion_home):
    result = run_command(
        app_env(companion_home, COMPANION_PLATFORM_API_URL=platform_env.url), "catalog"
    )
    assert result.returncode == 0, result.stderr
    assert "securite-chantier" in result.stdout
    assert len(result.stdout.strip().splitlines()) == 4


def test_the_settings_command_lists_every_setting(companion_home):
    result = run_command(app_env(companion_home, COMPANION_NETWORK_RETRIES="7"), "settings")
    assert result.returncode == 0, result.stderr
    assert "network.retries = 7  [environment]" in result.stdout
    assert "ui.language = 'fr'  [default]" in result.stdout


def test_the_sandbox_command_serves_with_faults(companion_home):
    env = app_env(companion_home)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "companion",
            "sandbox",
            "--port",
            "0",
            "--fault",
            "status=503",
            "--fault",
            "retry-after=7",
            "--fault",
            "times=1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = wait_for_line(process, "Sandbox platform on", timeout=60)
        url = line.split(" on ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        first = requests.get(f"{url}/v1/catalog", timeout=10)
        assert first.status_code == 503 and first.headers["Retry-After"] == "7"
        assert requests.get(f"{url}/v1/catalog", timeout=10).status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_bad_fault_options_are_refused_plainly(companion_home):
    result = run_command(app_env(companion_home), "sandbox", "--fault", "boom=1")
    assert result.returncode == 2
    assert "unknown fault 'boom'" in result.stderr


def test_the_sync_command_reports_what_waits_and_why(platform_env, companion_home):
    from companion.paths import Paths
    from companion.services.learners import LearnerAreas
    from companion.services.progress import ProgressService
    from tests.sync_helpers import complete_chapters

    env = app_env(companion_home, COMPANION_PLATFORM_API_URL=platform_env.url)
    unclaimed = LearnerAreas(Paths.default().profile_dir("default")).unclaimed_folder()
    progress = complete_chapters(ProgressService(unclaimed), 2)  # before anyone signed in
    progress.close()
    status = run_command(env, "sync", "--status")
    assert status.returncode == 0, status.stderr
    assert "Actions en attente d'envoi : 2" in status.stdout  # French by default
    assert f"Plateforme : {platform_env.url}" in status.stdout  # issue 10: where, and who
    assert "Personne n'est connecté" in status.stdout
    assert "Dernière synchronisation : —" in status.stdout
    attempt = run_command(env, "sync")  # nobody signed in on this profile
    assert attempt.returncode == 1
    assert "Non connecté" in attempt.stdout
    assert platform_env.statements.count() == 0


def test_a_terminated_app_closes_cleanly(platform_env, companion_home):
    """Log-out sends SIGTERM: the window closes as if the learner had closed it, and the
    sync gets its last moment (the log says so) before the process ends with code 0."""
    env = app_env(
        companion_home,
        COMPANION_PLATFORM_API_URL=platform_env.url,
        COMPANION_BENCH="1",
        QT_QPA_PLATFORM="offscreen",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "companion"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        wait_for_line(process, "catalog painted", timeout=60)
        time.sleep(2)  # the sync starts 1.5 s after the window
    finally:
        process.terminate()
        process.communicate(timeout=20)
    assert process.returncode == 0
    log = (companion_home / "logs" / "companion.log").read_text(encoding="utf-8")
    assert "closing: 0 action(s) still waiting to be sent" in log
