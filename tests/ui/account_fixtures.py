"""A window whose account screen is built and signed out (shared by account tests)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import refreshed


@pytest.fixture
def signed_out_window(platform_env, make_window, qtbot, memory_keyring):
    platform_env.oidc.device_interval = 1
    created = refreshed(qtbot, make_window())
    view = created.show_account()
    with qtbot.waitSignal(view.account_changed, timeout=10_000):
        pass
    return created
