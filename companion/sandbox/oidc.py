"""The sandbox's OpenID provider, built on Authlib's authorization server.

Authorization code with PKCE (S256 required) and a loopback redirect on any port (RFC 8252),
refresh tokens rotated at each use, the device authorization grant (RFC 8628), token
revocation (RFC 7009), discovery, JWKS and userinfo. ID tokens are signed RS256, ES256 or
EdDSA with keys made at start. Pages: login, consent, and the device-code entry page. State
lives in memory.

Strict mode (``ProviderState.strict``) behaves like the certified providers learners meet:
``offline_access`` only with ``prompt=consent`` (OpenID Connect Core 11), the ``iss``
authorization response parameter (RFC 9207), no ``interval`` in the device answer unless a
test sets one, and profile claims from userinfo rather than in the ID token (Core 5.4). A
refresh asking for more than was granted is refused with ``invalid_scope`` in both modes.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
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
from flask import Flask, Response, jsonify, redirect, request, session
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OKPKey, RSAKey

from companion.sandbox import pages, signing
from companion.sandbox.learners import Learners

CLIENT_ID = "companion-desktop"
SCOPES = ("openid", "profile", "email", "offline_access")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class Client:
    """The desktop app: a public client (no secret), loopback redirects on any port."""

    client_id: str = CLIENT_ID

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        parts = urlsplit(redirect_uri)
        return (
            parts.scheme == "http"
            and parts.hostname in ("127.0.0.1", "::1")
            and parts.path == "/callback"
            and parts.port is not None
        )

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token", DEVICE_GRANT)


@dataclass
class AuthorizationCode:
    code: str
    user: dict[str, Any]
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


def token_hash(value: str) -> str:
    """What the provider keeps of a token: its SHA-256, as real providers keep them, so the
    demo platform's saved state (persist.py) holds no token a thief could use."""
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class Token:
    user: dict[str, Any]
    scope: str
    access_hash: str
    refresh_hash: str | None
    issued_at: float
    expires_in: int
    revoked: bool = False

    @classmethod
    def issued(
        cls, user: dict[str, Any], scope: str, access: str, refresh: str | None, expires_in: int
    ) -> Token:
        return cls(
            user,
            scope,
            token_hash(access),
            token_hash(refresh) if refresh else None,
            time.time(),
            expires_in,
        )

    def check_client(self, client: Client) -> bool:
        return client.get_client_id() == CLIENT_ID

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> dict[str, Any]:
        return self.user

    def get_client(self) -> Client:
        return Client()


@dataclass
class ProviderState:
    """Everything the provider remembers, and the switches tests turn."""

    key: RSAKey = field(default_factory=signing.make_rsa_key)  # RS256; signs certificates too
    ec_key: ECKey = field(default_factory=signing.make_ec_key)
    ed_key: OKPKey = field(default_factory=signing.make_ed_key)
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)
    device_codes: dict[str, DeviceCredentialDict] = field(default_factory=dict)
    device_grants: dict[str, tuple[dict[str, Any], bool]] = field(default_factory=dict)
    last_poll: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    strict: bool = True  # like certified providers; tests turn it off to see lenient ones
    access_token_lifetime: int = 600
    device_interval: int | None = None  # None: not announced (strict) or 5 (lenient)
    device_lifetime: int = 600
    slow_down_polls: int = 0  # the next polls answered slow_down, however patient
    clock_offset_seconds: int = 0  # the provider's clock, wrong on purpose in tests
    id_token_algorithm: str = "RS256"  # noqa: S105 - or "ES256", "EdDSA"; not a secret
    forge_id_tokens: bool = False  # signed by a key the JWKS does not hold
    jwt_access_tokens: bool = False  # RFC 9068 access tokens instead of opaque ones
    access_token_audience: str = "companion-platform"  # noqa: S105 - their `aud`
    token_redirect: str | None = None  # the token endpoint answers 307 to this URL
    refuse_refresh: str | None = None  # an OAuth error code every refresh is answered with
    discovery_overrides: dict[str, Any] = field(default_factory=dict)  # endpoints elsewhere

    def reset_switches(self) -> None:
        """Back to a new provider's behaviour (tests share one); tokens and keys stay."""
        for name, spec in ProviderState.__dataclass_fields__.items():
            if name in _SWITCHES:
                setattr(self, name, spec.default)
        self.discovery_overrides = {}

    def signing_key(self, algorithm: str) -> signing.SigningKey:
        keys: dict[str, signing.SigningKey] = {
            "RS256": self.key,
            "ES256": self.ec_key,
            "EdDSA": self.ed_key,
        }
        return keys[algorithm]

    def jwks(self) -> dict[str, Any]:
        """Every public key: the ID token keys and the access token key (the RSA one)."""
        return signing.public_jwks([self.key, self.ec_key, self.ed_key])

    def poll_interval(self) -> int:
        return self.device_interval or 5  # RFC 8628 3.2: 5 s when none is announced

    def token_for_access(self, access_token: str) -> Token | None:
        with self.lock:
            wanted = token_hash(access_token)
            for token in self.tokens:
                if token.access_hash == wanted:
                    return token
        return None

    def issue_token_for(self, learner: dict[str, Any], issuer: str = "") -> str:
        """Test helper: an access token without going through a flow (a JWT, RFC 9068,
        when the provider issues those; ``issuer`` is then the provider's address)."""
        scope = " ".join(SCOPES)
        access = secrets.token_urlsafe(32)
        if self.jwt_access_tokens:
            access = signing.jwt_access_token(
                self.key,
                issuer=issuer,
                subject=learner["id"],
                audience=self.access_token_audience,
                client_id=CLIENT_ID,
                scope=scope,
                lifetime=self.access_token_lifetime,
                now=int(time.time()) + self.clock_offset_seconds,
            )
        token = Token.issued(learner, scope, access, None, self.access_token_lifetime)
        with self.lock:
            self.tokens.append(token)
        return access

    def revoke_all_for(self, login: str) -> None:
        """Another device signed the learner out everywhere."""
        with self.lock:
            for token in self.tokens:
                if token.user["login"] == login:
                    token.revoked = True


_SWITCHES = frozenset(
    {
        "strict",
        "access_token_lifetime",
        "device_interval",
        "device_lifetime",
        "slow_down_polls",
        "clock_offset_seconds",
        "id_token_algorithm",
        "forge_id_tokens",
        "jwt_access_tokens",
        "access_token_audience",
        "token_redirect",
        "refuse_refresh",
    }
)


def _issuer() -> str:
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
        return {"iss": _issuer(), "iat": now, "exp": now + 300, "aud": [CLIENT_ID]}

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
        return _issuer() if self.state.strict else None


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
            return _issuer() + "/device"

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


def register(app: Flask, learners: Learners, state: ProviderState) -> AuthorizationServer:
    app.secret_key = secrets.token_bytes(32)
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True

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
    _routes(app, server, learners, state)
    return server


def _token_generator(state: ProviderState) -> Any:
    from authlib.oauth2.rfc6750 import BearerTokenGenerator

    def opaque(*_args: Any, **_kwargs: Any) -> str:
        return secrets.token_urlsafe(32)

    def access(client: Client, grant_type: str, user: dict[str, Any], scope: str) -> str:
        if not state.jwt_access_tokens:
            return opaque()
        return signing.jwt_access_token(
            state.key,
            issuer=_issuer(),
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


def discovery_document(issuer: str, state: ProviderState | None = None) -> dict[str, Any]:
    strict = state is not None and state.strict
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "device_authorization_endpoint": f"{issuer}/oauth/device_authorization",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "userinfo_endpoint": f"{issuer}/oauth/userinfo",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "authorization_response_iss_parameter_supported": strict,
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(signing.ID_TOKEN_ALGORITHMS),
        "prompt_values_supported": ["none", "login", "consent"],
        "scopes_supported": list(SCOPES),
        "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_GRANT],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
    }


def _routes(
    app: Flask, server: AuthorizationServer, learners: Learners, state: ProviderState
) -> None:
    @app.get("/.well-known/openid-configuration")
    def openid_configuration() -> Any:
        return {**discovery_document(_issuer(), state), **state.discovery_overrides}

    @app.get("/.well-known/jwks.json")
    def jwks() -> Any:
        return state.jwks()

    @app.get("/oauth/userinfo")
    def userinfo() -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        token = state.token_for_access(value) if scheme.lower() == "bearer" else None
        if token is None or token.is_revoked() or token.is_expired():
            answer = Response(status=401)
            answer.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return answer
        return jsonify(dict(user_info(token.user, token.scope)))

    @app.route("/oauth/login", methods=["GET", "POST"])
    def login() -> Any:
        target = request.values.get("next", "/")
        if not target.startswith("/oauth/") and not target.startswith("/device"):
            target = "/"
        error = ""
        if request.method == "POST":
            learner = learners.check_password(
                request.form.get("username", ""), request.form.get("password", "")
            )
            if learner is not None:
                session["login"] = learner["login"]
                return redirect(target)
            error = "Identifiant ou mot de passe incorrect."
        return Response(pages.login(target, error), mimetype="text/html")

    def signed_in() -> dict[str, Any] | None:
        return learners.records.get(session.get("login", ""))

    @app.route("/oauth/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        learner = signed_in()
        if learner is None:
            return redirect("/oauth/login?next=" + _quoted(request.full_path))
        try:
            grant = server.get_consent_grant(end_user=learner)
        except Exception as error:  # an invalid request: shown, never redirected
            return Response(pages.error(str(error)), status=400, mimetype="text/html")
        if request.method == "GET":
            return Response(
                pages.consent(learner, grant.request.payload.scope or ""), mimetype="text/html"
            )
        approved = request.form.get("decision") == "allow"
        return server.create_authorization_response(
            grant_user=learner if approved else None, grant=grant
        )

    @app.post("/oauth/token")
    def token() -> Any:
        target = state.token_redirect  # a hijacked or misconfigured front: the body follows
        if target and not target.startswith(_issuer() + "/"):
            return redirect(target, code=307)
        return server.create_token_response()

    @app.post("/oauth/device_authorization")
    def device_authorization() -> Any:
        return server.create_endpoint_response("device_authorization")

    @app.post("/oauth/revoke")
    def revoke() -> Any:
        return server.create_endpoint_response("revocation")

    @app.route("/device", methods=["GET", "POST"])
    def device() -> Any:
        learner = signed_in()
        if learner is None:
            return redirect("/oauth/login?next=" + _quoted(request.full_path))
        user_code = request.values.get("user_code", "").strip().upper()
        if request.method == "GET":
            return Response(pages.device(user_code, ""), mimetype="text/html")
        known = any(
            c["user_code"] == user_code and not c.is_expired() for c in state.device_codes.values()
        )
        if not known:
            return Response(
                pages.device(user_code, "Code inconnu ou expiré."), status=400, mimetype="text/html"
            )
        approved = request.form.get("decision") == "allow"
        state.device_grants[user_code] = (learner, approved)
        return Response(pages.device_done(approved), mimetype="text/html")


def _quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="")
