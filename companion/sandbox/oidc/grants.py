"""The provider's grants and endpoints, over Authlib's: authorization code with PKCE,
refresh with rotation, the device authorization grant (RFC 8628), revocation (RFC 7009),
ID tokens for the code and device grants, and the access token generator."""

from __future__ import annotations

import secrets
import time
import warnings
from collections.abc import Callable
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc8628 import (
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    DeviceCredentialDict,
)
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode, OpenIDToken
from flask import Flask, request
from joserfc.errors import SecurityWarning

from companion.sandbox import signing
from companion.sandbox.oidc.models import (
    CLIENT_ID,
    AuthorizationCode,
    Client,
    ProviderState,
    Token,
    token_hash,
)


def authorization_server(app: Flask, state: ProviderState) -> AuthorizationServer:
    """Authlib's server with every grant, extension and endpoint the provider offers."""

    def save_token(token: dict[str, Any], req: Any) -> None:
        with state.lock:
            state.tokens.append(
                Token.issued(
                    req.user,
                    token.get("scope", ""),
                    token["access_token"],
                    token.get("refresh_token"),
                    int(token["expires_in"]),
                )
            )

    server = AuthorizationServer(
        app, query_client=lambda cid: Client() if cid == CLIENT_ID else None, save_token=save_token
    )
    server.register_token_generator("default", _token_generator(state))
    server.register_grant(_code_grant(state), [_OpenIDCode(state), CodeChallenge(required=True)])
    server.register_grant(_refresh_grant(state))
    server.register_grant(_device_grant(state), [_OpenIDDevice(state)])
    server.register_extension(_Issuer(state))
    server.register_endpoint(_device_endpoint(state))
    server.register_endpoint(_revocation_endpoint(state))
    return server


def request_issuer() -> str:
    """The provider's address, as the request reached it."""
    return request.host_url.rstrip("/")


class _IdTokens:
    """What both ID-token-issuing grants share: the chosen algorithm, its key, the claims."""

    state: ProviderState

    def resolve_client_private_key(self, client: Client) -> signing.SigningKey:
        algorithm = self.state.id_token_algorithm
        if self.state.forge_id_tokens:  # an attacker's key, with the kid of the real one
            forged: dict[str, Callable[[], signing.SigningKey]] = {
                "RS256": signing.make_rsa_key,
                "ES256": signing.make_ec_key,
            }
            return forged.get(algorithm, signing.make_ed_key)()
        return self.state.signing_key(algorithm)

    def get_client_algorithm(self, client: Client) -> str:
        return self.state.id_token_algorithm

    def get_encode_header(self, client: Client) -> dict[str, str]:
        key = self.state.signing_key(self.state.id_token_algorithm)
        return {"alg": self.state.id_token_algorithm, "kid": key.kid or ""}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time()) + self.state.clock_offset_seconds
        return {"iss": request_issuer(), "iat": now, "exp": now + 300, "aud": [CLIENT_ID]}

    def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
        if self.state.strict:  # Core 5.4: with an access token, profile claims are userinfo's
            return UserInfo(sub=user["id"])
        return user_info(user, scope)

    def encode_id_token(self, token: dict[str, Any], req: Any) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)  # "EdDSA" renamed by RFC 9864
            encoded: str = super().encode_id_token(token, req)  # type: ignore[misc]
        return encoded


def user_info(user: dict[str, Any], scope: str) -> UserInfo:
    scopes = scope.split()
    info = UserInfo(sub=user["id"])
    if "profile" in scopes:
        profile = {k: user.get(k) for k in ("name", "given_name", "family_name")}
        info.update({k: v for k, v in profile.items() if v})
    if "email" in scopes and user.get("email"):
        info["email"] = user["email"]
    return info


class _OpenIDCode(_IdTokens, OpenIDCode):
    def __init__(self, state: ProviderState) -> None:
        super().__init__(require_nonce=True)
        self.state = state

    def exists_nonce(self, nonce: str, req: Any) -> bool:
        with self.state.lock:
            return any(code.nonce == nonce for code in self.state.codes.values())


class _OpenIDDevice(_IdTokens, OpenIDToken):
    """ID tokens for the device grant too, as providers do (no nonce: nothing to echo)."""

    def __init__(self, state: ProviderState) -> None:
        self.state = state


class _Issuer(IssuerParameter):
    def __init__(self, state: ProviderState) -> None:
        self.state = state

    def get_issuer(self) -> str | None:
        return request_issuer() if self.state.strict else None


def _granted_scope(state: ProviderState, requested: str, prompt: str) -> str:
    """Strict providers grant offline_access only after explicit consent (Core 11)."""
    if state.strict and "consent" not in prompt.split():
        return " ".join(s for s in requested.split() if s != "offline_access")
    return requested


def _code_grant(state: ProviderState) -> type[grants.AuthorizationCodeGrant]:
    class Grant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["none"]  # noqa: RUF012 - Authlib reads it

        def save_authorization_code(self, code: str, req: Any) -> None:
            data = req.payload.data
            state.codes[code] = AuthorizationCode(
                code,
                req.user,
                req.payload.redirect_uri,
                _granted_scope(state, req.payload.scope or "", data.get("prompt") or ""),
                data.get("nonce"),
                data.get("code_challenge"),
                data.get("code_challenge_method"),
                int(time.time()),
                time.time() + 120,
            )

        def query_authorization_code(self, code: str, client: Client) -> Any:
            found = state.codes.get(code)
            return found if found and found.expires_at > time.time() else None

        def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
            state.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: AuthorizationCode) -> Any:
            return authorization_code.user

    return Grant


def _refresh_grant(state: ProviderState) -> type[grants.RefreshTokenGrant]:
    class Grant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["none"]  # noqa: RUF012 - Authlib reads it
        INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: each refresh token works once

        def validate_token_request(self) -> None:
            if state.refuse_refresh:
                raise _oauth_error(state.refuse_refresh)
            super().validate_token_request()

        def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
            wanted = token_hash(refresh_token)
            with state.lock:
                for token in state.tokens:
                    if token.refresh_hash == wanted and not token.revoked:
                        return token
            return None

        def authenticate_user(self, credential: Token) -> Any:
            return credential.user

        def revoke_old_credential(self, credential: Token) -> None:
            credential.revoked = True

    return Grant


def _oauth_error(code: str) -> OAuth2Error:
    """An OAuth error answer with this code: 401 for client authentication (RFC 6749 5.2),
    503 for a busy server, 400 otherwise."""
    status = {"invalid_client": 401, "temporarily_unavailable": 503, "server_error": 500}
    error = OAuth2Error(status_code=status.get(code, 400))
    error.error = code
    return error


def _device_grant(state: ProviderState) -> type[DeviceCodeGrant]:
    class Grant(DeviceCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["none"]  # noqa: RUF012 - Authlib reads it

        def query_device_credential(self, device_code: str) -> Any:
            return state.device_codes.get(device_code)

        def query_user_grant(self, user_code: str) -> Any:
            return state.device_grants.get(user_code)

        def should_slow_down(self, credential: Any) -> bool:
            now = time.time()
            previous = state.last_poll.get(credential["device_code"])
            state.last_poll[credential["device_code"]] = now
            if state.slow_down_polls > 0:
                state.slow_down_polls -= 1
                return True
            return previous is not None and now - previous < state.poll_interval()

    return Grant


def _device_endpoint(state: ProviderState) -> type[DeviceAuthorizationEndpoint]:
    class Endpoint(DeviceAuthorizationEndpoint):
        CLIENT_AUTH_METHODS = ["none"]  # noqa: RUF012 - Authlib reads it
        USER_CODE_TYPE = "string"

        def get_verification_uri(self) -> str:
            return request_issuer() + "/device"

        def save_device_credential(self, client_id: str, scope: str, data: dict[str, Any]) -> None:
            credential = DeviceCredentialDict(client_id=client_id, scope=scope, **data)
            credential["expires_at"] = int(time.time()) + state.device_lifetime
            state.device_codes[data["device_code"]] = credential

        def create_endpoint_response(self, req: Any) -> Any:
            self.INTERVAL = state.poll_interval()
            self.EXPIRES_IN = state.device_lifetime
            status, body, headers = super().create_endpoint_response(req)
            if state.device_interval is None and state.strict:
                del body["interval"]  # optional (RFC 8628 3.2): the client must assume 5 s
            return status, body, headers

    return Endpoint


def _revocation_endpoint(state: ProviderState) -> type[RevocationEndpoint]:
    class Endpoint(RevocationEndpoint):
        CLIENT_AUTH_METHODS = ["none"]  # noqa: RUF012 - Authlib reads it

        def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
            wanted = token_hash(token_string)
            with state.lock:
                for token in state.tokens:
                    if wanted in (token.access_hash, token.refresh_hash):
                        return token
            return None

        def revoke_token(self, token: Token, req: Any) -> None:
            token.revoked = True

    return Endpoint


def _token_generator(state: ProviderState) -> Any:
    def opaque(*_args: Any, **_kwargs: Any) -> str:
        return secrets.token_urlsafe(32)

    def access(client: Client, grant_type: str, user: dict[str, Any], scope: str) -> str:
        if not state.jwt_access_tokens:
            return opaque()
        return signing.jwt_access_token(
            state.key,
            issuer=request_issuer(),
            subject=user["id"],
            audience=state.access_token_audience,
            client_id=client.get_client_id(),
            scope=scope or "",
            lifetime=state.access_token_lifetime,
            now=int(time.time()) + state.clock_offset_seconds,
        )

    return BearerTokenGenerator(
        access, opaque, lambda client, grant_type: state.access_token_lifetime
    )
