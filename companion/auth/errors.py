"""Sign-in failures, each with words a learner can act on."""

from __future__ import annotations

from companion.errors import UserFacingError


class SignInError(UserFacingError):
    """Sign-in did not complete; nothing local was lost."""


class SignInRequired(UserFacingError):
    """The platform needs the learner to sign in (again)."""


class NotSignedIn(SignInRequired):
    """Nothing kept to sign in with (a first start, a computer with no keyring, a kiosk
    session ended): expected, so no reference code that makes it look like a fault."""

    traced = False


class ClockSkewError(SignInError):
    """This computer's clock is too far from the provider's for tokens to be checked."""
