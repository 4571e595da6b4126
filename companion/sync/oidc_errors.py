"""What the provider's OAuth errors mean for the learner (RFC 6749 5.2, RFC 8628 3.5)."""

from __future__ import annotations

from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError

from companion.auth.errors import SignInError, SignInRequired
from companion.errors import UserFacingError
from companion.i18n import _
from companion.sync.client import PlatformUnreachable

# The provider is busy or failing: the refresh token is still good, try again later.
TRANSIENT = frozenset({"server_error", "temporarily_unavailable"})


class RedirectRefused(SignInError):
    """A token, device or revocation endpoint answered with a redirect."""


def refuse_redirect(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """A response hook: a redirect is an error, never followed. Following one would replay
    the code and verifier, or the refresh token, to wherever it points (RFC 9700 4.12)."""
    if response.is_redirect:
        raise RedirectRefused(
            _("The sign-in service sent Companion to another address."),
            _("Contact support staff: the sign-in service may be misconfigured."),
        )


def refresh_error(error: OAuthError) -> UserFacingError:
    """A refused refresh: every error but a busy server means this refresh token is dead
    (invalid_grant, invalid_scope, unauthorized_client, invalid_client, ...), so asking
    again with it at every sync can only fail; the learner signs in again instead."""
    if error.error in TRANSIENT:
        return unreachable()
    return session_ended()


def oauth_error(error: OAuthError) -> UserFacingError:
    if error.error == "invalid_grant":
        return session_ended()
    if error.error == "access_denied":
        return SignInError(
            _("Sign-in was refused on the other device."), _("Start again and choose “Allow”.")
        )
    if error.error == "expired_token":
        return device_expired()
    if error.error in TRANSIENT:
        return unreachable()
    return SignInError(
        _("The sign-in service refused the request."),
        _("Try again. If it happens again, contact support staff."),
    )


def session_ended() -> SignInRequired:
    return SignInRequired(
        _("Your session has ended."), _("Sign in again. Your downloads and progress are kept.")
    )


def device_expired() -> SignInError:
    return SignInError(
        _("The code has expired before it was used."), _("Start again to get a new code.")
    )


def unreachable() -> PlatformUnreachable:
    return PlatformUnreachable(
        _("The sign-in service cannot be reached."),
        _("Check your internet connection and try again."),
    )
