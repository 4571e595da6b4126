"""The learner's account: sign-in (browser or another device), profile, entitlements.

Sign-in and sign-out never touch what is stored locally for study (downloads, progress):
a learner asked to sign in again loses nothing. The profile is saved so that a learner who
signed in before sees their account offline.

A sign-in is complete only once the platform has accepted it (``/v1/me`` answered); until
then the tokens are not kept. The platform is the authority for entitlements; the learner's
name and email come from the identity provider (ID token, then userinfo) where the
platform has none.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.domain import Account, ContractError, parse_account
from companion.errors import UserFacingError, ValidationError
from companion.files import read_json, write_json_atomic
from companion.i18n import _
from companion.services.connection import PlatformConnection
from companion.settings import AUTH_ALLOWED_ORIGINS, AUTH_LOOPBACK_PORT, Settings

if TYPE_CHECKING:  # imported on workers: the sign-in stack is not needed to paint
    from companion.auth.tokens import DeviceAuthorization, Tokens
    from companion.sync.oidc_session import AuthSession

log = logging.getLogger("companion.services")

JOB_SEEKER_ID = re.compile(r"^[0-9]{7}[0-9A-Z]$")


def normalise_job_seeker_id(raw: str) -> str:
    """Check the identifier's shape before asking the platform: 7 digits, then a digit or
    a letter. Spaces and case are forgiven."""
    value = re.sub(r"[\s.-]", "", raw).upper()
    if not JOB_SEEKER_ID.match(value):
        raise ValidationError(
            _("A job-seeker identifier is 7 digits followed by a digit or a letter."),
            _("For example 1234567A. You will find it on your registration letter."),
        )
    return value


class AccountService:
    def __init__(
        self, connection: PlatformConnection, settings: Settings, profile: str, profile_dir: Path
    ) -> None:
        self.connection = connection
        self.settings = settings
        self.profile = profile
        self.account_file = profile_dir / "account.json"
        self._lock = threading.Lock()
        self._session: AuthSession | None = None
        # Told on the signing-in thread once the platform has said who signed in.
        self.signed_in_listeners: list[Callable[[Account], object]] = []

    def session(self) -> AuthSession:
        """The signed-in session (may block on the network or the keyring: use a worker)."""
        with self._lock:
            if self._session is None:
                from companion.auth.vault import open_vault
                from companion.sync.oidc import OidcClient
                from companion.sync.oidc_session import AuthSession

                issuer = self.connection.issuer()
                allowed = self.settings.value(AUTH_ALLOWED_ORIGINS).split(",")
                oidc = OidcClient(
                    self.connection.http_client(),
                    issuer,
                    allowed_origins=tuple(o.strip() for o in allowed if o.strip()),
                )
                vault = open_vault(f"{self.profile}@{issuer}", kiosk=self.settings.kiosk)
                self._session = AuthSession(oidc, vault)
            return self._session

    def remembers_sign_in(self) -> bool:
        """False when tokens live in memory only (kiosk, or no usable keyring)."""
        return self.session().vault.persistent

    def keyring_missing(self) -> bool:
        """Sign-in is forgotten at the end of the session for want of a keyring: worth a
        note. Never on a kiosk, where forgetting it is the point (issue 25)."""
        return not self.settings.kiosk and not self.remembers_sign_in()

    def saved_account(self) -> Account | None:
        data = read_json(self.account_file)
        if data is None:
            return None
        try:
            return parse_account(data)
        except ContractError:
            log.warning("ignoring damaged saved account %s", self.account_file)
            return None

    def is_signed_in(self) -> bool:
        if self._session is None and not self.account_file.exists():
            # Nobody signed in here since the last sign-out (a sign-in saves the account):
            # no need to load the sign-in stack (authlib, joserfc, cryptography, keyring:
            # 200 ms and 15 MiB) only to learn that the keyring holds nothing.
            return False
        return self.session().has_credentials()

    def sign_in_with_browser(
        self, open_browser: Callable[[str], bool], cancelled: threading.Event
    ) -> Account:
        session = self.session()
        port = self.settings.value(AUTH_LOOPBACK_PORT)
        tokens = session.oidc.sign_in_with_browser(open_browser, cancelled, port=port)
        return self._signed_in(tokens)

    def start_device_sign_in(self) -> DeviceAuthorization:
        return self.session().oidc.start_device_sign_in()

    def finish_device_sign_in(
        self, authorization: DeviceAuthorization, cancelled: threading.Event
    ) -> Account:
        tokens = self.session().oidc.finish_device_sign_in(authorization, cancelled)
        return self._signed_in(tokens)

    def _signed_in(self, tokens: Tokens) -> Account:
        session = self.session()
        session.adopt(tokens)
        try:
            account = self.connection.api().with_auth(session).me()
            account = with_identity(account, self._identity(tokens, account))
        except BaseException as error:
            # Kept, these tokens would be refreshed at every sync and refused each time,
            # while the account page says signed out: undo the sign-in instead.
            log.info("the platform did not accept the sign-in (%s)", type(error).__name__)
            session.sign_out()
            refused = _refusal(error)
            if refused is None:
                raise
            raise refused from error
        self._save(account)
        for listener in self.signed_in_listeners:
            listener(account)
        return account

    def _identity(self, tokens: Tokens, account: Account) -> dict[str, Any]:
        """The provider's claims, asking userinfo only when the rest leave a gap."""
        claims = dict(tokens.claims)
        if (account.name and account.email) or (_display_name(claims) and claims.get("email")):
            return claims
        subject = str(claims.get("sub", ""))
        if not subject:
            return claims  # no verified subject to match userinfo's answer against
        try:
            session = self.session()
            return {**session.oidc.userinfo(session.bearer(), subject), **claims}
        except UserFacingError as error:  # the name is a nicety: never fail a sign-in on it
            log.info("userinfo unavailable (%s)", type(error).__name__)
            return claims

    def refresh_account(self) -> Account:
        """The profile and entitlements from the platform, saved for offline starts."""
        return self._keep(self.connection.api().with_auth(self.session()).me())

    def activate(self, raw_identifier: str) -> Account:
        identifier = normalise_job_seeker_id(raw_identifier)
        from companion.sync.client import PlatformError

        try:
            account = (
                self.connection.api().with_auth(self.session()).activate_entitlement(identifier)
            )
        except PlatformError as error:
            raise _activation_error(error) from error
        return self._keep(account)

    def sign_out(self) -> None:
        """Revoke and forget the tokens and the saved profile; study data stays."""
        try:
            self.session().sign_out()
        finally:
            self.account_file.unlink(missing_ok=True)

    def _keep(self, account: Account) -> Account:
        """Save the platform's answer, with the name and email the provider gave at sign-in
        where the platform has none."""
        saved = self.saved_account()
        if saved is not None and saved.id == account.id:
            account = with_identity(account, {"name": saved.name, "email": saved.email})
        self._save(account)
        return account

    def _save(self, account: Account) -> None:
        payload = {
            "id": account.id,
            "name": account.name,
            "email": account.email,
            "entitlements": [
                {
                    "id": e.id,
                    "programme": e.programme,
                    "status": e.status,
                    "starts_on": e.starts_on.isoformat() if e.starts_on else None,
                    "ends_on": e.ends_on.isoformat() if e.ends_on else None,
                    "activated_at": e.activated_at,
                }
                for e in account.entitlements
            ],
            "xapi_endpoint": account.xapi_endpoint,
        }
        try:
            write_json_atomic(self.account_file, payload)
        except OSError as error:
            log.warning("could not save the account for offline use: %s", error)


def with_identity(account: Account, claims: dict[str, Any]) -> Account:
    """Fill what the platform left empty from OpenID Connect claims (Core 5.1)."""
    email = claims.get("email")
    return account._replace(
        name=account.name or _display_name(claims),
        email=account.email or (email if isinstance(email, str) else ""),
    )


def _display_name(claims: dict[str, Any]) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    parts = [claims.get("given_name"), claims.get("family_name")]
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def _refusal(error: BaseException) -> UserFacingError | None:
    """The platform refused the new tokens: say so (other failures speak for themselves)."""
    from companion.auth.errors import SignInError, SignInRequired
    from companion.sync.client import PlatformError, PlatformUnreachable

    if isinstance(error, PlatformUnreachable):
        return SignInError(
            _("Sign-in did not complete: the platform cannot be reached."),
            _("Check your internet connection and sign in again."),
            reference=error.reference,
        )
    refused = isinstance(error, SignInRequired) or (
        isinstance(error, PlatformError) and error.status in (401, 403)
    )
    if refused:
        return SignInError(
            _("The platform did not accept this sign-in."),
            _(
                "You were signed out again. Try once more; if it happens again, contact "
                "support staff: the platform and the sign-in service may disagree."
            ),
            reference=getattr(error, "reference", ""),
        )
    return None


def _activation_error(error: UserFacingError) -> UserFacingError:
    """The platform's answer about what the learner typed is no bug: shown without a
    reference (its request id stays in the log); any other failure keeps its reference."""
    status = getattr(error, "status", 0)
    if status in (400, 409, 422):
        log.info("activation refused (%d) [%s]", status, error.reference)
    if status in (400, 422):
        return ValidationError(
            _("The platform does not recognise this identifier for your account."),
            _("Check it on your registration letter, or ask your employment counsellor."),
        )
    if status == 409:
        return ValidationError(_("Your premium access is already active."))
    return error
