"""Shared fixtures: a headless Qt, an isolated Companion home, and a real sandbox on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports Qt: one offscreen QApplication for the whole session (STYLE 9).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring

from companion import i18n
from companion.app.context import AppContext
from companion.sandbox.content import Content, load_or_build, sources_dir
from companion.sandbox.learners import Learners
from companion.sandbox.server import SandboxServer

pytest_plugins = ["tests.ralph.fixtures"]  # Ralph, the real LRS, for the sync tests

# Choose the machine's real keyring now: keyring also considers every KeyringBackend subclass
# it has seen, and the test helpers define an in-memory one that must stay opt-in.
keyring.get_keyring()


@pytest.fixture(autouse=True)
def companion_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own settings, data, cache and log folders, and no policy file."""
    home = tmp_path / "companion-home"
    monkeypatch.setenv("COMPANION_HOME", str(home))
    monkeypatch.delenv("COMPANION_POLICY_FILE", raising=False)
    for name in list(os.environ):
        if name.startswith("COMPANION_") and name not in ("COMPANION_HOME", "COMPANION_RESOURCES"):
            monkeypatch.delenv(name)
    i18n.install("en")  # tests assert on English source text unless they switch language
    return home


@pytest.fixture(scope="session")
def sample_content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    return load_or_build(sources_dir(), tmp_path_factory.mktemp("sandbox-content"))


@pytest.fixture(scope="session")
def _sandbox_server(sample_content: Content) -> Iterator[SandboxServer]:
    with SandboxServer(content=sample_content) as server:
        yield server


@pytest.fixture
def sandbox(_sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    """The shared sandbox, with faults cleared and provider settings reset per test."""
    _sandbox_server.faults.clear()
    _sandbox_server.traffic.reset()
    _sandbox_server.oidc.reset_switches()
    _sandbox_server.learners.records = Learners().records  # enrolments, activations undone
    _sandbox_server.statements.clear()
    _sandbox_server.certificates.clear()
    yield _sandbox_server
    _sandbox_server.faults.clear()


@pytest.fixture
def memory_keyring() -> Iterator[keyring.backend.KeyringBackend]:
    """A working keyring that forgets everything after the test."""
    from tests.auth_helpers import MemoryKeyring  # after the real keyring is pinned above

    previous = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(previous)


@pytest.fixture
def platform_env(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> SandboxServer:
    """Point the app at the sandbox through the environment, with quick retries."""
    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", sandbox.url)
    monkeypatch.setenv("COMPANION_NETWORK_RETRIES", "1")
    monkeypatch.setenv("COMPANION_NETWORK_TIMEOUT_SECONDS", "5")
    return sandbox


@pytest.fixture
def context(platform_env: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    """The app's services against the sandbox, in English, closed after the test."""
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")
    created = AppContext.create()
    yield created
    created.close()


@pytest.fixture
def enforced_permissions() -> None:
    """Skip a test that makes files read-only when the kernel lets this user write anyway."""
    from tests.permission_helpers import permissions_enforced

    if not permissions_enforced():
        pytest.skip("file permissions are not enforced for this user (root)")


def unused_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
