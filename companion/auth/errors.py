"""Sign-in failures, each with words a learner can act on."""

from __future__ import annotations

from companion.errors import UserFacingError


class SignInError(UserFacingError):
    """Sign-in did not complete; nothing local was lost."""


class SignInRequired(UserFacingError):
    """The platform needs the learner to sign in (again)."""


class ClockSkewError(SignInError):
    """This computer's clock is too far from the provider's for tokens to be checked."""
