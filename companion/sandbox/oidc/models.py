"""The provider's records: the client it knows, authorization codes, tokens (kept as
hashes), and ``ProviderState``, everything the provider remembers with the switches tests
turn."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc8628 import DeviceCredentialDict
from joserfc.jwk import ECKey, OKPKey, RSAKey

from companion.sandbox import signing

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
