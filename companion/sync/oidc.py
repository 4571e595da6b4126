"""OpenID Connect against any standards-compliant provider, with Authlib's OAuth 2 client.

Discovery (with the RFCs' defaults where a provider leaves a field out), the authorization
code flow with PKCE S256 through a loopback redirect (RFC 8252) and the RFC 9207 `iss`
check, the device authorization grant (RFC 8628), refresh with rotation, userinfo, and
revocation (RFC 7009). No request carrying a code, verifier or token follows a redirect.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from companion.auth.discovery import Provider, parse_discovery, unreadable
from companion.auth.errors import ClockSkewError, SignInError
from companion.auth.id_token import validate_id_token
from companion.auth.loopback import LoopbackReceiver
from companion.auth.tokens import DeviceAuthorization, Tokens
from companion.errors import Cancelled, UserFacingError
from companion.i18n import _
from companion.sync.client import HttpClient, decode_json
from companion.sync.oidc_errors import (
    device_expired,
    oauth_error,
    refresh_error,
    refuse_redirect,
    unreachable,
)

CLIENT_ID = "companion-desktop"
SCOPE = "openid profile email offline_access"  # offline_access: stay signed in across starts
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
NO_REDIRECTS: dict[str, Any] = {"allow_redirects": False, "hooks": {"response": [refuse_redirect]}}

__all__ = ["CLIENT_ID", "SCOPE", "DeviceAuthorization", "OidcClient", "Provider", "Tokens"]


class OidcClient:
    def __init__(
        self,
        http: HttpClient,
        issuer: str,
        client_id: str = CLIENT_ID,
        allowed_origins: tuple[str, ...] = (),
    ) -> None:
        self.http = http
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.allowed_origins = allowed_origins  # besides the issuer's, for token endpoints
        self._provider: Provider | None = None
        self._jwks: dict[str, Any] | None = None
        self.last_server_time: float | None = None

    # --- discovery ---------------------------------------------------------------------

    def provider(self) -> Provider:
        if self._provider is None:
            data = decode_json(
                self.http.request("GET", f"{self.issuer}/.well-known/openid-configuration")
            )
            self._provider = parse_discovery(data, self.issuer, self.allowed_origins)
        return self._provider

    def jwks(self, refresh: bool = False) -> dict[str, Any]:
        if self._jwks is None or refresh:
            data = decode_json(self.http.request("GET", self.provider().jwks_uri))
            if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
                raise unreadable()
            self._jwks = data
        return self._jwks

    def _session(self, **kwargs: Any) -> OAuth2Session:
        """An OAuth 2 session sharing our transport settings: proxy, trust store, retries."""
        session = OAuth2Session(
            self.client_id,
            token_endpoint_auth_method="none",  # noqa: S106 - a method name, not a secret
            **kwargs,
        )
        session.proxies = self.http.session.proxies
        session.verify = self.http.session.verify
        session.trust_env = self.http.session.trust_env
        for prefix, adapter in self.http.session.adapters.items():
            session.mount(prefix, adapter)
        session.hooks["response"].append(self.http.bounded_body_hook)  # size, deadline
        session.hooks["response"].append(self._note_server_time)
        session.hooks["response"].append(refuse_redirect)  # before requests would follow it
        return session

    def _note_server_time(self, response: requests.Response, *_: Any, **__: Any) -> None:
        date = response.headers.get("Date")
        if date:
            with contextlib.suppress(TypeError, ValueError):
                self.last_server_time = email.utils.parsedate_to_datetime(date).timestamp()

    # --- authorization code with PKCE ---------------------------------------------------

    def sign_in_with_browser(
        self,
        open_browser: Callable[[str], bool],
        cancelled: threading.Event,
        port: int = 0,
        timeout: float = 600,
    ) -> Tokens:
        provider = self.provider()
        receiver = LoopbackReceiver(port)
        try:
            verifier = secrets.token_urlsafe(64)
            state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
            session = self._session(
                scope=SCOPE, redirect_uri=receiver.redirect_uri, code_challenge_method="S256"
            )
            url, _state = session.create_authorization_url(
                provider.authorization_endpoint,
                state=state,
                code_verifier=verifier,
                nonce=nonce,
                # OpenID Connect Core 11: offline_access is granted only with consent.
                prompt="consent",
            )
            if not open_browser(url):
                raise SignInError(
                    _("No web browser could be opened."),
                    _("Use “Sign in with another device” instead."),
                )
            params = receiver.wait(timeout, cancelled)
        finally:
            receiver.close()
        if params is None:
            raise Cancelled()
        code = _check_redirect(params, state, provider)
        token = self._token_call(
            exchange=True,
            call=lambda: session.fetch_token(
                provider.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=verifier,
                timeout=self.http.config.timeout_seconds,
            ),
        )
        return self._tokens_with_identity(token, nonce)

    def _tokens_with_identity(self, token: dict[str, Any], nonce: str | None) -> Tokens:
        """Tokens with the verified ID token's claims. The device grant passes no nonce
        (nothing to echo) and may come without an ID token; one that comes is verified."""
        id_token = token.get("id_token")
        if id_token is None and nonce is None:
            return _tokens(token, {})
        if not isinstance(id_token, str):
            raise unreadable()
        check = functools.partial(
            validate_id_token,
            id_token,
            issuer=self.provider().issuer,
            client_id=self.client_id,
            nonce=nonce,
            server_time=self.last_server_time,
        )
        try:
            claims = check(self.jwks())
        except ClockSkewError:
            raise
        except SignInError:
            # The provider may have rotated its keys since we cached them.
            claims = check(self.jwks(refresh=True))
        return _tokens(token, claims)

    # --- device authorization grant -----------------------------------------------------

    def start_device_sign_in(self) -> DeviceAuthorization:
        endpoint = self.provider().device_authorization_endpoint
        if endpoint is None:
            raise SignInError(
                _("This platform does not offer sign-in with another device."),
                _("Use “Sign in with the browser” instead."),
            )
        # No prompt here: approving on the verification page is the learner's consent.
        response = self.http.request(
            "POST", endpoint, data={"client_id": self.client_id, "scope": SCOPE}, **NO_REDIRECTS
        )
        data = decode_json(response)
        try:
            return DeviceAuthorization(
                device_code=str(data["device_code"]),
                user_code=str(data["user_code"]),
                verification_uri=str(data["verification_uri"]),
                verification_uri_complete=data.get("verification_uri_complete"),
                expires_at=time.time() + float(data["expires_in"]),
                interval=float(data.get("interval", 5)),  # RFC 8628 3.2 default
            )
        except (KeyError, TypeError, ValueError) as error:
            raise unreadable() from error

    def finish_device_sign_in(
        self,
        authorization: DeviceAuthorization,
        cancelled: threading.Event,
        sleep: Callable[[float], bool] | None = None,
    ) -> Tokens:
        """Poll the token endpoint, honouring ``interval`` and ``slow_down``."""
        wait = sleep or cancelled.wait
        interval = authorization.interval
        session = self._session()
        token_endpoint = self.provider().token_endpoint
        while True:
            if wait(interval) or cancelled.is_set():
                raise Cancelled()
            if time.time() > authorization.expires_at:
                raise device_expired()
            try:
                token = session.fetch_token(
                    token_endpoint,
                    grant_type=DEVICE_GRANT,
                    device_code=authorization.device_code,
                    timeout=self.http.config.timeout_seconds,
                )
            except OAuthError as error:
                if error.error == "authorization_pending":
                    continue
                if error.error == "slow_down":
                    interval += 5  # RFC 8628 3.5: add 5 seconds to every later poll
                    continue
                raise oauth_error(error) from error
            except requests.RequestException as error:
                raise unreachable() from error
            return self._tokens_with_identity(token, nonce=None)

    # --- refresh and revocation ---------------------------------------------------------

    def refresh(self, refresh_token: str) -> Tokens:
        # No scope: RFC 6749 6 reads its absence as "what was granted", while asking for
        # offline_access again is refused (invalid_scope) when it was not granted.
        session = self._session()
        token = self._token_call(
            call=lambda: session.refresh_token(
                self.provider().token_endpoint,
                refresh_token=refresh_token,
                timeout=self.http.config.timeout_seconds,
            ),
            errors=refresh_error,
        )
        return _tokens(token, {})

    def userinfo(self, access_token: str, subject: str) -> dict[str, Any]:
        """The provider's claims about the learner, or {} when it has no userinfo."""
        endpoint = self.provider().userinfo_endpoint
        if endpoint is None:
            return {}
        response = self.http.request(
            "GET", endpoint, headers={"Authorization": f"Bearer {access_token}"}, **NO_REDIRECTS
        )
        claims = decode_json(response)
        # Core 5.3.2: claims about another subject must not be used.
        if not isinstance(claims, dict) or claims.get("sub") != subject:
            raise unreadable()
        return claims

    def revoke(self, token: str, hint: str) -> None:
        endpoint = self.provider().revocation_endpoint
        if endpoint is None:
            return  # nothing to call; the token will expire on its own
        self.http.request(
            "POST",
            endpoint,
            expect=(200,),
            data={"token": token, "token_type_hint": hint, "client_id": self.client_id},
            **NO_REDIRECTS,
        )

    def _token_call(
        self,
        call: Callable[[], dict[str, Any]],
        exchange: bool = False,
        errors: Callable[[OAuthError], UserFacingError] = oauth_error,
    ) -> dict[str, Any]:
        try:
            return call()
        except OAuthError as error:
            if exchange and error.error == "invalid_grant":
                # A code that is not ours, or a PKCE verifier that does not match it.
                raise SignInError(
                    _("The sign-in answer could not be verified."),
                    _("Start signing in again from Companion."),
                ) from error
            raise errors(error) from error
        except requests.RequestException as error:
            raise unreachable() from error
        except (ValueError, RecursionError) as error:  # a token answer that is not JSON
            raise unreadable() from error


def _check_redirect(params: dict[str, str], state: str, provider: Provider) -> str:
    if not secrets.compare_digest(params.get("state", ""), state) or not _iss_matches(
        params, provider
    ):
        raise SignInError(
            _("The sign-in answer does not belong to this sign-in."),
            _("Start signing in again from Companion."),
        )
    if params.get("error") == "access_denied":
        raise SignInError(
            _("You did not allow Companion to access your account."),
            _("Sign in again and choose “Allow” to use Companion."),
        )
    if "error" in params:
        raise SignInError(
            _("The sign-in service refused the request."),
            _("Try again. If it happens again, contact support staff."),
        )
    code = params.get("code", "")
    if not code:
        raise unreadable()
    return code


def _iss_matches(params: dict[str, str], provider: Provider) -> bool:
    """RFC 9207 2.4: an `iss` must be our provider's, and must be there when it says it
    sends one; otherwise the answer may come from another provider (a mix-up attack)."""
    iss = params.get("iss")
    if iss is None:
        return not provider.iss_parameter_supported
    return secrets.compare_digest(iss, provider.issuer)


def _tokens(token: dict[str, Any], claims: dict[str, Any]) -> Tokens:
    try:
        access = str(token["access_token"])
        expires_in = float(token.get("expires_in", 300))
    except (KeyError, TypeError, ValueError) as error:
        raise unreadable() from error
    refresh = token.get("refresh_token")
    return Tokens(access, str(refresh) if refresh else None, time.time() + expires_in, claims)
