"""Fixtures of the AT-SPI tests: the accessibility buses, and Companion on them."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.a11y.atspi import AtSpiBus, Node

REPO = Path(__file__).resolve().parents[2]
STEP_SECONDS = 60  # one step of the app; more is a hang


class CompanionProcess:
    """Companion under the X server, on the AT-SPI bus, steered by ``run``."""

    def __init__(self, bus: AtSpiBus, log: Path) -> None:
        self.bus = bus
        self._log = log.open("w")
        env = {
            **os.environ,
            **bus.env,
            "QT_QPA_PLATFORM": "xcb",  # Qt's AT-SPI bridge needs a real platform
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "PYTHONPATH": str(REPO),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.a11y.driver"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self._answers: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._answer()  # "ready"
        self.app = bus.application("Companion")
        self.log = log

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._answers.put(line)
        self._answers.put("")

    def _answer(self, seconds: float = STEP_SECONDS) -> Any:
        try:
            line = self._answers.get(timeout=seconds)
        except queue.Empty:
            raise AssertionError(f"Companion did not answer in {seconds} s") from None
        if not line:
            raise AssertionError(f"Companion ended; its log:\n{self.log_text()}")
        answer = json.loads(line)
        assert answer["ok"], answer["error"]
        return answer["value"]

    def log_text(self) -> str:
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")[-4000:]

    def run(self, code: str, seconds: float = STEP_SECONDS) -> Any:
        """Python run in the app's GUI thread (``window`` at hand); ``result``'s repr."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        return self._answer(seconds)

    def tree(self) -> Node:
        return self.bus.tree(self.app)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


@pytest.fixture
def atspi() -> Iterator[AtSpiBus]:
    bus = AtSpiBus()
    yield bus
    bus.close()


@pytest.fixture
def launch(
    atspi: AtSpiBus, platform_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], CompanionProcess]]:
    """Starts Companion against the sandbox, in French (its users' first language), with
    the environment as the test has set it."""
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "fr")
    started: list[CompanionProcess] = []

    def start() -> CompanionProcess:
        started.append(CompanionProcess(atspi, tmp_path / f"companion-{len(started)}.log"))
        return started[-1]

    yield start
    for app in started:
        app.close()


@pytest.fixture
def companion(launch: Callable[[], CompanionProcess]) -> CompanionProcess:
    return launch()
