"""The signed-in session: the access token in memory, the refresh token in the vault.

Only one refresh runs at a time (others wait for its result), and a rotated refresh token
is stored before the new access token is used, so a crash between the two never leaves the
vault holding a refresh token the provider has already retired.
"""

from __future__ import annotations

import logging
import threading
import time

from companion.auth.errors import NotSignedIn, SignInRequired
from companion.auth.vault import SessionVault, Vault, VaultUnavailable
from companion.i18n import _
from companion.logs import REDACTOR
from companion.sync.oidc import OidcClient, Tokens

log = logging.getLogger("companion.auth")

EARLY_REFRESH_SECONDS = 30  # refresh a little before expiry, not after a 401


class AuthSession:
    def __init__(self, oidc: OidcClient, vault: Vault) -> None:
        self.oidc = oidc
        self.vault = vault
        self._lock = threading.Lock()
        self._access: str | None = None
        self._expires_at = 0.0
        self.refresh_count = 0  # for diagnostics and tests

    def adopt(self, tokens: Tokens) -> None:
        """Keep the tokens of a completed sign-in."""
        with self._lock:
            self._keep(tokens)

    @property
    def access_expires_at(self) -> float:
        """When the access token in memory expires (0: none yet), for diagnostics."""
        return self._expires_at if self._access else 0.0

    def has_credentials(self) -> bool:
        try:
            return self._access is not None or self.vault.load() is not None
        except VaultUnavailable:
            return self._access is not None

    def bearer(self) -> str:
        with self._lock:
            if self._access and time.time() < self._expires_at - EARLY_REFRESH_SECONDS:
                return self._access
            return self._refresh_locked()

    def access_rejected(self, token: str) -> None:
        """The platform answered 401 to ``token``: force a refresh next time."""
        with self._lock:
            if self._access == token:
                self._access = None

    def sign_out(self) -> None:
        """Revoke what can be revoked, then forget; never fails the learner's sign-out."""
        with self._lock:
            refresh = self._safe_load()
            for token, hint in ((refresh, "refresh_token"), (self._access, "access_token")):
                if token:
                    try:
                        self.oidc.revoke(token, hint)
                    except Exception as error:  # offline sign-out still signs out
                        log.info(
                            "revocation failed (%s); forgetting tokens anyway", type(error).__name__
                        )
            self._access = None
            try:
                self.vault.clear()
            except VaultUnavailable as error:
                log.warning("could not clear the keyring entry: %s", error)

    def _refresh_locked(self) -> str:
        refresh = self._safe_load()
        if not refresh:
            raise NotSignedIn(
                _("Sign in to continue."),
                _("Your downloads and progress are kept on this computer."),
            )
        try:
            tokens = self.oidc.refresh(refresh)
        except SignInRequired:
            log.info("refresh token refused: the learner must sign in again")
            self._access = None
            self.vault.clear()
            raise
        self.refresh_count += 1
        self._keep(tokens)
        assert self._access is not None
        return self._access

    def _keep(self, tokens: Tokens) -> None:
        REDACTOR.remember(tokens.access_token)
        if tokens.refresh_token:
            try:
                self.vault.store(tokens.refresh_token)  # first: the old one is now retired
            except VaultUnavailable as error:
                log.warning("keyring failed (%s): keeping tokens for this session only", error)
                self.vault = SessionVault("keyring-failed")
                self.vault.store(tokens.refresh_token)
        self._access = tokens.access_token
        self._expires_at = tokens.expires_at

    def _safe_load(self) -> str | None:
        try:
            return self.vault.load()
        except VaultUnavailable as error:
            log.warning("keyring unavailable: %s", error)
            return None
