"""The sandbox provider's signing: one key per algorithm a strict provider may choose for its
ID tokens (RS256, ES256, EdDSA), and JWT access tokens (RFC 9068) that a resource server —
an LRS such as Ralph — validates against the same JWKS without asking the provider.
"""

from __future__ import annotations

import secrets
import time
import warnings
from collections.abc import Mapping
from typing import Any

from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, KeySet, OKPKey, RSAKey

ID_TOKEN_ALGORITHMS = ("RS256", "ES256", "EdDSA")
ACCESS_TOKEN_ALGORITHM = "RS256"  # noqa: S105 - the one every JWT library of a resource server knows

SigningKey = RSAKey | ECKey | OKPKey


def make_rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, {"kid": "sandbox-1", "use": "sig"})


def make_ec_key() -> ECKey:
    return ECKey.generate_key("P-256", {"kid": "sandbox-es256", "use": "sig"})


def make_ed_key() -> OKPKey:
    return OKPKey.generate_key("Ed25519", {"kid": "sandbox-eddsa", "use": "sig"})


def public_jwks(keys: list[SigningKey]) -> dict[str, Any]:
    return dict(KeySet(list(keys)).as_dict(private=False))


def sign(claims: Mapping[str, Any], key: SigningKey, algorithm: str, typ: str = "JWT") -> str:
    header = {"alg": algorithm, "kid": key.kid or "", "typ": typ}
    with warnings.catch_warnings():
        # joserfc warns that RFC 9864 renames "EdDSA"; providers still send that name.
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.encode(header, dict(claims), key, algorithms=[algorithm])


def jwt_access_token(
    key: RSAKey,
    *,
    issuer: str,
    subject: str,
    audience: str,
    client_id: str,
    scope: str,
    lifetime: int,
    now: int | None = None,
) -> str:
    """An access token in the RFC 9068 profile: what a resource server checks is all inside."""
    issued = int(time.time()) if now is None else now
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "exp": issued + lifetime,
        "iat": issued,
        "jti": secrets.token_urlsafe(16),
        "client_id": client_id,
        "scope": scope,
    }
    return sign(claims, key, ACCESS_TOKEN_ALGORITHM, typ="at+jwt")
