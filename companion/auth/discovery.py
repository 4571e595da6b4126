"""The provider's discovery document (OpenID Connect Discovery 1.0), checked before use.

Every endpoint must be https (plain http only on loopback, for the sandbox and tests). The
endpoints that receive a token, a code or a verifier — token, device authorization,
revocation, userinfo — must also be on the issuer's own origin unless the learner's centre
allowed another one: a document naming a stranger's server would hand it the learner's
refresh token.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from companion.auth.errors import SignInError
from companion.i18n import _

_REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")
_OPTIONAL = (
    "device_authorization_endpoint",
    "revocation_endpoint",
    "userinfo_endpoint",
    "end_session_endpoint",
)
_RECEIVE_CREDENTIALS = (
    "token_endpoint",
    "device_authorization_endpoint",
    "revocation_endpoint",
    "userinfo_endpoint",
)


class Provider(NamedTuple):
    issuer: str  # exactly as the document says it: ID tokens and RFC 9207 `iss` carry it
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    device_authorization_endpoint: str | None
    revocation_endpoint: str | None
    userinfo_endpoint: str | None = None
    end_session_endpoint: str | None = None
    iss_parameter_supported: bool = False  # RFC 9207: then `iss` must come back


def parse_discovery(data: Any, issuer: str, allowed_origins: Iterable[str] = ()) -> Provider:
    if not isinstance(data, dict):
        raise unreadable()
    stated = str(data.get("issuer", ""))
    if stated.rstrip("/") != issuer.rstrip("/"):
        # OpenID Connect Discovery 4.3: a mismatch means the document is not this issuer's.
        raise SignInError(
            _("The sign-in service's address does not match its description."),
            _("Check the issuer setting (platform.issuer)."),
        )
    try:
        endpoints = {name: str(data[name]) for name in _REQUIRED}
    except KeyError as error:
        raise unreadable() from error
    endpoints.update({n: str(data[n]) for n in _OPTIONAL if isinstance(data.get(n), str)})
    trusted = {origin_of(stated), *(origin_of(o) for o in allowed_origins)}
    for name, url in endpoints.items():
        if not is_safe_url(url):
            raise _unsafe()
        if name in _RECEIVE_CREDENTIALS and origin_of(url) not in trusted:
            raise _unsafe()
    return Provider(
        issuer=stated,
        authorization_endpoint=endpoints["authorization_endpoint"],
        token_endpoint=endpoints["token_endpoint"],
        jwks_uri=endpoints["jwks_uri"],
        device_authorization_endpoint=endpoints.get("device_authorization_endpoint"),
        revocation_endpoint=endpoints.get("revocation_endpoint"),
        userinfo_endpoint=endpoints.get("userinfo_endpoint"),
        end_session_endpoint=endpoints.get("end_session_endpoint"),
        iss_parameter_supported=data.get("authorization_response_iss_parameter_supported") is True,
    )


def is_safe_url(url: str) -> bool:
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    return parts.scheme == "https" or (parts.scheme == "http" and loopback)


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    default = {"https": 443, "http": 80}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:
        return ""
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _unsafe() -> SignInError:
    return SignInError(
        _("The sign-in service's description names an address Companion cannot trust."),
        _("Contact support staff: the sign-in service may be misconfigured."),
    )


def unreadable() -> SignInError:
    return SignInError(
        _("The sign-in service sent an answer Companion cannot read."),
        _("Try again. If it happens again, contact support staff."),
    )
