"""A browser sign-in's answer, handed by a second Companion (started by the system with
the companion-desktop:// address) to the window already open; nothing else gets through."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid

from companion.ui.handoff import SignInHandoff, hand_over


def test_an_answer_reaches_the_open_window(qtbot):
    name = f"companion-test-{uuid.uuid4().hex[:12]}"
    handoff = SignInHandoff(name=name)
    assert handoff.start()
    try:
        with qtbot.waitSignal(handoff.received, timeout=5_000) as arrived:
            assert hand_over("companion-desktop://token=abc", name)
        assert arrived.args == ["companion-desktop://token=abc"]
    finally:
        handoff.close()


def test_anything_but_a_sign_in_answer_is_dropped(qtbot):
    name = f"companion-test-{uuid.uuid4().hex[:12]}"
    handoff = SignInHandoff(name=name)
    assert handoff.start()
    seen: list[str] = []
    handoff.received.connect(seen.append)
    try:
        assert hand_over("https://elsewhere.example/?steal=1", name)
        qtbot.wait(300)
        assert seen == []
    finally:
        handoff.close()


def test_with_no_window_open_the_second_process_says_so():
    assert not hand_over("companion-desktop://token=abc", f"companion-none-{uuid.uuid4().hex}")


def test_the_second_companion_the_system_starts_hands_the_answer_over(qtbot):
    handoff = SignInHandoff()  # the window's own channel, as the real start opens it
    assert handoff.start()
    finished: list[subprocess.CompletedProcess[str]] = []
    second = threading.Thread(target=lambda: finished.append(_companion(ANSWER)))
    try:
        with qtbot.waitSignal(handoff.received, timeout=30_000) as arrived:
            second.start()
        second.join(30)
    finally:
        handoff.close()
    assert arrived.args == [ANSWER]
    assert finished and finished[0].returncode == 0


def test_with_no_window_open_the_second_companion_says_what_to_do():
    done = _companion(ANSWER, user=f"nobody-{uuid.uuid4().hex[:8]}")  # another user's channel
    assert done.returncode == 1
    assert "start the sign-in again from the Account tab" in done.stderr


ANSWER = "companion-desktop://token=abc"


def _companion(address: str, user: str = "") -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COMPANION_UI_LANGUAGE": "en"}
    if user:
        environment.update(USER=user, LOGNAME=user)
    return subprocess.run(
        [sys.executable, "-m", "companion", address],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )
