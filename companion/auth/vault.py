"""Where the refresh token lives: the OS keyring, or this session's memory only.

The access token never leaves memory. Every keyring call is bounded by a timeout, since a
locked keyring can block forever waiting for a password prompt nobody sees. When no safe
keyring works, tokens are kept for this session only and the learner is told; a token is
never written to a plain file (keyrings.alt's plaintext backends are refused).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from companion.logs import REDACTOR

log = logging.getLogger("companion.auth")

SERVICE = "Companion"
KEYRING_TIMEOUT_SECONDS = 5.0
T = TypeVar("T")


class VaultUnavailable(Exception):
    pass


class Vault(Protocol):
    persistent: bool  # False: the learner signs in again at the next start

    def load(self) -> str | None: ...
    def store(self, refresh_token: str) -> None: ...
    def clear(self) -> None: ...


class SessionVault:
    persistent = False

    def __init__(self, reason: str) -> None:
        self.reason = reason  # "kiosk", "no-keyring", "keyring-failed"
        self._token: str | None = None

    def load(self) -> str | None:
        return self._token

    def store(self, refresh_token: str) -> None:
        REDACTOR.remember(refresh_token)
        self._token = refresh_token

    def clear(self) -> None:
        self._token = None


class KeyringVault:
    persistent = True

    def __init__(self, backend: Any, account: str, timeout: float = KEYRING_TIMEOUT_SECONDS):
        self.backend = backend
        self.account = account
        self.timeout = timeout

    def load(self) -> str | None:
        token: str | None = _bounded(
            lambda: self.backend.get_password(SERVICE, self.account), self.timeout
        )
        if token:
            REDACTOR.remember(token)
        return token

    def store(self, refresh_token: str) -> None:
        REDACTOR.remember(refresh_token)
        _bounded(
            lambda: self.backend.set_password(SERVICE, self.account, refresh_token), self.timeout
        )

    def clear(self) -> None:
        def delete() -> None:
            import keyring.errors

            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                self.backend.delete_password(SERVICE, self.account)  # absent: already clear

        _bounded(delete, self.timeout)


def _bounded(call: Callable[[], T], timeout: float) -> T:
    """Run a keyring call on a daemon thread; give up after ``timeout`` seconds."""
    results: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            results.put((True, call()))
        except Exception as error:  # any backend failure means "unavailable"
            results.put((False, error))

    threading.Thread(target=run, name="keyring", daemon=True).start()
    try:
        ok, value = results.get(timeout=timeout)
    except queue.Empty:
        raise VaultUnavailable("the keyring did not answer in time") from None
    if not ok:
        raise VaultUnavailable(f"the keyring failed: {type(value).__name__}") from value
    result: T = value
    return result


def open_vault(
    account: str, *, kiosk: bool, backend: Any = None, timeout: float = KEYRING_TIMEOUT_SECONDS
) -> Vault:
    """The keyring when a safe one answers; otherwise memory only, with the reason."""
    if kiosk:
        return SessionVault("kiosk")
    try:
        chosen = backend if backend is not None else _bounded(_default_backend, timeout)
    except VaultUnavailable as error:
        log.warning("no usable keyring (%s): tokens kept for this session only", error)
        return SessionVault("keyring-failed")
    if chosen is None or not _is_safe(chosen):
        log.info("no safe keyring backend: tokens kept for this session only")
        return SessionVault("no-keyring")
    vault = KeyringVault(chosen, account, timeout)
    try:
        vault.load()  # a locked or broken keyring shows itself here, not mid-sync
    except VaultUnavailable as error:
        log.warning("keyring unusable (%s): tokens kept for this session only", error)
        return SessionVault("keyring-failed")
    return vault


def _default_backend() -> Any:
    import keyring

    return keyring.get_keyring()


def _is_safe(backend: Any) -> bool:
    module = type(backend).__module__
    if module.startswith("keyrings.alt") or module.startswith("keyring.backends.fail"):
        return False  # plaintext files or "no backend at all"
    if module.startswith("keyring.backends.chainer"):
        inner = list(getattr(backend, "backends", []))
        return bool(inner) and all(_is_safe(b) for b in inner)
    priority = getattr(backend, "priority", 1)
    return bool(priority > 0)
