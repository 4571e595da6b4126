"""ID token validation (OpenID Connect Core 3.1.3.7): signature, issuer, audience, times."""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from typing import Any

from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    JoseError,
    SecurityWarning,
)
from joserfc.jwk import KeySet

from companion.auth.errors import ClockSkewError, SignInError
from companion.i18n import _, ngettext

CLOCK_LEEWAY_SECONDS = 120  # small differences between clocks are normal
# What certified providers sign with; EdDSA is Ed25519 in practice (OKP keys of the JWKS).
ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]


def validate_id_token(
    id_token: str,
    jwks: Mapping[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str | None,
    now: float | None = None,
    server_time: float | None = None,
) -> dict[str, Any]:
    """Return the verified claims, or raise a `SignInError` saying what is wrong.

    ``server_time`` (from the token response's Date header) tells a wrong local clock
    apart from a stale or forged token. ``nonce`` is None for the device grant, which has
    none to echo.
    """
    current = int(now if now is not None else time.time())
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        with warnings.catch_warnings():
            # joserfc warns that RFC 9864 renames "EdDSA"; providers still use that name.
            warnings.simplefilter("ignore", SecurityWarning)
            token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except BadSignatureError as error:
        raise _tampered() from error
    except (JoseError, ValueError) as error:
        raise _tampered() from error
    expected: dict[str, Any] = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    if nonce is not None:
        expected["nonce"] = {"essential": True, "value": nonce}
    registry = jwt.JWTClaimsRegistry(now=current, leeway=CLOCK_LEEWAY_SECONDS, **expected)
    claims = dict(token.claims)
    try:
        registry.validate(claims)
    except (ExpiredTokenError, ClaimError) as error:
        if _is_time_claim(error) and _clock_is_off(current, server_time):
            raise _clock_error(current, server_time) from error
        raise _tampered() from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise _tampered()
    return claims


def _is_time_claim(error: ClaimError) -> bool:
    return isinstance(error, ExpiredTokenError) or getattr(error, "claim", "") in ("iat", "nbf")


def _clock_is_off(now: int, server_time: float | None) -> bool:
    return server_time is not None and abs(now - server_time) > CLOCK_LEEWAY_SECONDS


def _clock_error(now: int, server_time: float | None) -> ClockSkewError:
    minutes = round(abs(now - (server_time or now)) / 60)
    return ClockSkewError(
        ngettext(
            "Your computer's clock is off by about {minutes} minute.",
            "Your computer's clock is off by about {minutes} minutes.",
            minutes,
        ).format(minutes=minutes),
        _("Set the date and time automatically in the system settings, then sign in again."),
    )


def _tampered() -> SignInError:
    return SignInError(
        _("The sign-in answer could not be verified."),
        _("Try again. If it happens again, contact support staff."),
    )
