"""Ralph on loopback, trusting a sandbox as its OpenID provider: the learner's own access
token (a JWT, RFC 9068, with Ralph as its audience) is what Ralph checks, as it would in
production against the platform's provider."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
RALPH_PYTHON = REPO / ".venv-ralph" / "bin" / "python"
AUDIENCE = "https://lrs.companion.test"
START_SECONDS = 60


def available() -> bool:
    return RALPH_PYTHON.is_file()


def version() -> str:
    done = subprocess.run(
        [str(RALPH_PYTHON), "-c", "import ralph; print(ralph.__version__)"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.stdout.strip() or "?"


@contextmanager
def running_ralph(issuer: str, data_dir: Path, port: int) -> Iterator[str]:
    """Ralph's xAPI base URL, for as long as the block runs."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(data_dir),
        "RALPH_APP_DIR": str(data_dir / "app"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data_dir),
        "RALPH_RUNSERVER_AUTH_BACKENDS": "oidc",
        "RALPH_RUNSERVER_AUTH_OIDC_ISSUER_URI": issuer,
        "RALPH_RUNSERVER_AUTH_OIDC_AUDIENCE": AUDIENCE,
    }
    process = subprocess.Popen(
        [str(RALPH_PYTHON), str(REPO / "tests" / "ralph" / "launch.py"), "127.0.0.1", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield f"{base}/xAPI/"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _wait_until_up(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Ralph did not start: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            if requests.get(f"{base}/__lbheartbeat__", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("Ralph did not answer within a minute")
