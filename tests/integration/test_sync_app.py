"""The app's own sync wiring (context, signed-in session, engine) against the sandbox:
a token that expires mid-sync, and a device whose clock is wrong."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from companion import xapi
from companion.app.context import AppContext
from companion.sync_status import Phase, SyncStatus
from tests.auth_helpers import Browser
from tests.sync_helpers import complete_chapters


@pytest.fixture
def signed_in(context, memory_keyring):
    context.account.sign_in_with_browser(Browser("camille"), threading.Event())
    return context


def start(context: AppContext) -> list[SyncStatus]:
    seen: list[SyncStatus] = []
    context.start_sync(seen.append)
    return seen


def wait_until(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.02)


def test_a_token_that_expires_mid_sync_is_refreshed_once(signed_in, platform_env):
    total = 1200
    complete_chapters(signed_in.progress(), total)
    platform_env.faults.set(first_byte_delay_ms=40, path_prefix="/v1/xapi")
    session = signed_in.account.session()
    refreshes = session.refresh_count
    seen = start(signed_in)
    wait_until(lambda: platform_env.statements.count() >= 500)  # part-way through the push
    with platform_env.oidc.lock:  # the platform's clock passes the token's expiry
        for token in platform_env.oidc.tokens:
            token.issued_at -= 3600
    wait_until(lambda: bool(seen) and seen[-1].phase is Phase.IDLE and seen[-1].pending == 0)
    assert platform_env.statements.count() == total
    assert session.refresh_count == refreshes + 1
    failures = [(s.message, s.reference) for s in seen if s.phase is Phase.FAILING]
    assert not failures


def test_a_device_with_a_wrong_clock_syncs_and_converges(signed_in, platform_env, monkeypatch):
    class ThreeHoursAhead(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(hours=3)

    monkeypatch.setattr(xapi, "datetime", ThreeHoursAhead)  # this device's clock only
    complete_chapters(signed_in.progress(), 3)
    seen = start(signed_in)
    wait_until(lambda: bool(seen) and seen[-1].phase is Phase.IDLE and seen[-1].pending == 0)
    stored = platform_env.statements.since("u-1001", 0, 10)[0]
    assert len(stored) == 3  # accepted: order comes from arrival, not from clocks
    ahead = datetime.fromisoformat(stored[0]["timestamp"]) - datetime.now(UTC)
    assert ahead > timedelta(hours=2)
    assert len(signed_in.progress().completed_activities()) == 3
