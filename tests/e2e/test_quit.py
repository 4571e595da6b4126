"""Quit means quit (issue 24, item 6), the app as a process: SIGTERM (a session's log-out)
during a throttled download and during a sync to a slow LRS ends the process within 3 s,
nothing is lost, and the interrupted download resumes at the next start. Before: about
15 s alive, retrying against a platform already stopped; then ``Cannot operate on a
closed database`` from the old process's threads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.app.context import AppContext
from companion.services.progress import ProgressService
from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.outbox import push
from companion.sync.platform_v1 import PlatformV1
from tests.e2e.test_app_process import app_env, wait_for_line
from tests.sync_helpers import HOME, StaticToken

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
COURSE = "securite-chantier"
EXIT_SECONDS = 3.0


def start(companion_home: Path, sandbox, mode: str, **extra: str) -> subprocess.Popen[str]:
    env = app_env(
        companion_home,
        COMPANION_PLATFORM_API_URL=sandbox.url,
        COMPANION_NETWORK_RETRIES="3",
        COMPANION_BENCH="1",
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(REPO),
        QUIT_PROBE=mode,
        QUIT_PROBE_URL=sandbox.url,
        QUIT_PROBE_COURSE=COURSE,
        **extra,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.quit_probe"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def terminate_and_time(process: subprocess.Popen[str]) -> tuple[float, str]:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        _, errors = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    return time.monotonic() - started, errors


def log_of(companion_home: Path) -> str:
    log = companion_home / "logs" / "companion.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


def kept(companion_home: Path, sha256: str) -> bool:
    return any(companion_home.rglob(f"{sha256[:2]}/{sha256}"))


def quit_while_busy(process: subprocess.Popen[str], companion_home: Path, what: str) -> None:
    """SIGTERM a second into the work: the app exits in time, cleanly, and no thread
    touched a database it had closed."""
    try:
        wait_for_line(process, "catalog painted", timeout=60)
        wait_for_line(process, "busy", timeout=30)
        time.sleep(1.0)
    finally:
        took, errors = terminate_and_time(process)
    print(f"exit after SIGTERM during {what}: {took:.2f} s")
    assert took < EXIT_SECONDS, errors[-2000:]
    assert process.returncode == 0, errors[-2000:]
    assert "closed database" not in errors + log_of(companion_home)


def test_quitting_during_a_throttled_download(sandbox, sample_content, companion_home):
    sandbox.faults.set(bandwidth_bps=20_000, path_prefix="/v1/assets")
    process = start(companion_home, sandbox, "download")
    quit_while_busy(process, companion_home, "a download")  # well into the files
    unfinished = list(companion_home.rglob("downloads-unfinished.json"))
    assert len(unfinished) == 1 and COURSE in unfinished[0].read_text()
    # The next start resumes it, at full speed now, to the last file.
    sandbox.faults.clear()
    files = {
        block["asset"]["sha256"]
        for part in sample_content.courses[COURSE].manifest["parts"]
        for chapter in part["chapters"]
        for block in chapter["blocks"]
        if block.get("asset")
    }
    again = start(companion_home, sandbox, "idle")
    try:
        wait_for_line(again, "catalog painted", timeout=60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(kept(companion_home, f) for f in files):
            time.sleep(0.2)
    finally:
        terminate_and_time(again)
    assert "resuming 1 download(s) the last quit interrupted" in log_of(companion_home)
    assert all(kept(companion_home, f) for f in files)
    assert not unfinished[0].exists()  # nothing left to resume


def test_quitting_during_a_sync_to_a_slow_store(sandbox, companion_home):
    token = sandbox.oidc.issue_token_for(sandbox.learners.records["camille"])
    sandbox.faults.set(latency_ms=20_000, path_prefix="/v1/xapi")
    process = start(companion_home, sandbox, "sync", QUIT_PROBE_TOKEN=token)
    quit_while_busy(process, companion_home, "a sync")  # the store holds the statements
    # Nothing lost: what the store did not acknowledge is still queued, and one sync later
    # every statement is on the platform once.
    sandbox.faults.clear()
    os.environ["COMPANION_HOME"] = str(companion_home)
    context = AppContext.create()
    try:
        progress: ProgressService = context.progress()
        assert progress.pending_count() + sandbox.statements.count() >= 5
        client = HttpClient(NetworkConfig(base_url=sandbox.url, retries=0))
        push(progress, PlatformV1(client, StaticToken(token)), "u-1001", HOME)
        assert progress.pending_count() == 0
    finally:
        context.close()
    time.sleep(0.5)  # a late answer from the stopped process's request, if any
    assert sandbox.statements.count() == 5
