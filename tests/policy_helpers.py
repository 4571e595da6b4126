"""A machine policy file for a test, as a training centre's administrator would write it."""

from __future__ import annotations

from pathlib import Path

import pytest


def use_policy(home: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    """Write ``text`` as the policy file under ``home`` and point Companion at it."""
    policy = home / "policy.toml"
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(text, encoding="utf-8")
    monkeypatch.setenv("COMPANION_POLICY_FILE", str(policy))
    return policy


def kiosk_policy(idle_minutes: int) -> str:
    """A kiosk offering the device code only (the QR code on a phone)."""
    return (
        f"[kiosk]\nenabled = true\nidle_minutes = {idle_minutes}\n"
        '[auth]\nsign_in_methods = "device"\n'
    )
