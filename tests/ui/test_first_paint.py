"""What a usual start does before its first paint (issue 14), seen from a real process.

The start-up benchmark (scripts/run-bench startup) measures the time; this test keeps what
made it shorter from coming back unnoticed: before the window's first paint, no HTTP stack,
no SQLite, no catalogue screen, no window icon, no menu actions nor shortcuts, no garbage
collection, and neither Qt's namespace nor QStyle (30-45 and 15 ms to set up); what is
needed, once it has painted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("first_paint_probe.py")


def start(env: dict[str, str]) -> dict[str, dict[str, bool]]:
    done = subprocess.run(
        [sys.executable, str(PROBE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )
    reports = {}
    for line in done.stdout.splitlines():
        stage, _, payload = line.partition(" ")
        if stage in ("painted", "settled"):
            reports[stage] = json.loads(payload)
    assert set(reports) == {"painted", "settled"}, done.stdout + done.stderr
    return reports


@pytest.fixture
def learner_env(platform_env, companion_home):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QT_QPA_PLATFORM="offscreen", COMPANION_BENCH="1")
    return env


@pytest.mark.parametrize("signed_in", [False, True], ids=["nobody-signed-in", "signed-in"])
def test_a_usual_start_paints_before_setting_up_what_can_wait(learner_env, signed_in):
    if signed_in:  # naming the learner once took the HTTP stack (the issuer's address)
        from companion.files import write_json_atomic
        from companion.paths import Paths

        profile = Paths.default().profile_dir("default")
        account = {"id": "u-1001", "name": "Camille Martin", "email": "", "entitlements": []}
        write_json_atomic(profile / "account.json", account)
    start(learner_env)  # a first day: the catalogue, the home view and the colours are kept
    reports = start(learner_env)
    assert reports["painted"] == {
        "qt_namespace": False,
        "qstyle": False,
        "garbage_collector": False,
        "http_stack": False,
        "progress_store": False,
        "catalogue_view": False,
        "sqlite": False,
        "window_icon": False,
        "shortcuts": False,
        "menu_actions": False,
        "home_cards": False,  # a first day: no course yet
    }
    settled = reports["settled"]
    assert settled["qt_namespace"] and settled["garbage_collector"] and settled["window_icon"]
    assert settled["shortcuts"] and settled["menu_actions"]  # F5, Ctrl+Q... once painted
    assert settled["http_stack"] and settled["progress_store"]  # the platform, the progress


def test_a_start_with_courses_paints_them_before_setting_up_qt_or_qstyle(learner_env):
    """Issue 28: the home view's cards are painted by a delegate; painted the usual way
    (the style's option state, a pen given to the painter) they set up QStyle and Qt's
    namespace before the first paint."""
    from companion.app.context import AppContext

    context = AppContext.create()
    try:
        context.progress().remember_courses(["securite-chantier", "numerique"], enrolled=True)
    finally:
        context.close()
    start(learner_env)  # the home view's cards are kept for the next start
    reports = start(learner_env)
    painted = reports["painted"]
    assert painted["home_cards"], "no course card on the first paint"
    assert not painted["qt_namespace"] and not painted["qstyle"]
    assert not painted["progress_store"] and not painted["sqlite"]
