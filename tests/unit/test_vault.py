import threading

import pytest

from companion import logs
from companion.auth.vault import KeyringVault, SessionVault, VaultUnavailable, open_vault
from tests.auth_helpers import MemoryKeyring


class Failing(MemoryKeyring):
    def get_password(self, service, username):
        raise RuntimeError("keyring locked")


class Hanging(MemoryKeyring):
    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service, username):
        self.release.wait(10)
        return None


class Plaintext(MemoryKeyring):
    pass


Plaintext.__module__ = "keyrings.alt.file"  # what keyrings.alt's file backends look like


def test_a_working_keyring_keeps_the_refresh_token():
    store = MemoryKeyring()
    vault = open_vault("camille@https://id", kiosk=False, backend=store)
    assert isinstance(vault, KeyringVault) and vault.persistent
    vault.store("rt-123456")
    assert open_vault("camille@https://id", kiosk=False, backend=store).load() == "rt-123456"
    vault.clear()
    vault.clear()  # clearing twice is fine
    assert vault.load() is None


def test_kiosks_never_persist_tokens():
    vault = open_vault("x", kiosk=True, backend=MemoryKeyring())
    assert isinstance(vault, SessionVault) and vault.reason == "kiosk"


def test_a_failing_keyring_falls_back_to_the_session():
    vault = open_vault("x", kiosk=False, backend=Failing())
    assert isinstance(vault, SessionVault) and vault.reason == "keyring-failed"
    assert not vault.persistent


def test_a_hanging_keyring_is_bounded_by_a_timeout():
    backend = Hanging()
    vault = open_vault("x", kiosk=False, backend=backend, timeout=0.3)
    backend.release.set()
    assert isinstance(vault, SessionVault) and vault.reason == "keyring-failed"
    with pytest.raises(VaultUnavailable):
        KeyringVault(Hanging(), "x", timeout=0.2).load()


def test_plaintext_backends_are_refused():
    vault = open_vault("x", kiosk=False, backend=Plaintext())
    assert isinstance(vault, SessionVault) and vault.reason == "no-keyring"


def test_stored_tokens_are_redacted_from_logs(tmp_path):
    logs.setup(tmp_path, "INFO")
    try:
        SessionVault("kiosk").store("opaque-refresh-value-42")
        logs.get("auth").info("refreshing with opaque-refresh-value-42")
        assert "opaque-refresh-value-42" not in logs.ring_buffer().lines()[-1]
    finally:
        logs.setup(None, "INFO")
