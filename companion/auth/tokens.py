"""What a sign-in gives: tokens, and the codes of a device sign-in in progress. Plain data,
shown by the account view and kept by the session; the flows that get them are in sync."""

from __future__ import annotations

from typing import Any, NamedTuple


class Tokens(NamedTuple):
    access_token: str
    refresh_token: str | None
    expires_at: float
    claims: dict[str, Any]  # verified ID token claims; empty for a refresh


class DeviceAuthorization(NamedTuple):
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_at: float
    interval: float
