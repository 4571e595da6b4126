"""The two kinds of error (STYLE 7).

`UserFacingError` carries text that is safe to show, already translated, with a hint.
Anything else is a bug or an unforeseen failure: it is logged with its traceback under a
short reference code, and the learner sees a generic message quoting that code so that
support staff can find the traceback in the support bundle.
"""

from __future__ import annotations

import logging
import os

from companion.i18n import _

log = logging.getLogger("companion.errors")

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class UserFacingError(Exception):
    """An expected failure with a message the learner can act on, and a reference code
    that finds it in the log (a platform error's is its request id)."""

    traced = True  # False: nothing for support staff to look up, so no reference

    def __init__(self, message: str, hint: str = "", *, reference: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.reference = (reference or new_reference()) if self.traced else ""


class ValidationError(UserFacingError):
    """What the learner typed is not right (or the platform said so of what they typed):
    not a fault of Companion's, so no reference code that would make it look like one."""

    traced = False

    def __str__(self) -> str:
        return self.message


class Cancelled(Exception):
    """The learner or the app cancelled the work; shown to nobody."""


def reference_for(thing: str) -> str:
    """The same reference each time for the same thing (a damaged file seen from every
    view and every start), in the form of ``new_reference``."""
    import hashlib

    digest = hashlib.sha256(thing.encode("utf-8", "replace")).digest()
    return "CMP-" + "".join(_REFERENCE_ALPHABET[byte % 32] for byte in digest[:6])


def new_reference() -> str:
    # os.urandom rather than the secrets module: this runs at start-up, where imports count.
    return "CMP-" + "".join(_REFERENCE_ALPHABET[byte % 32] for byte in os.urandom(6))


def describe(error: BaseException) -> tuple[str, str, str]:
    """Return (message, hint, reference) fit for display, logging unexpected errors."""
    if isinstance(error, OSError):  # a folder it may not write, a full disk: said plainly
        from companion.files import problem_from_os_error

        problem = problem_from_os_error(error)
        if problem is not None:
            error = problem
    if isinstance(error, UserFacingError):
        log.info("shown to learner [%s]: %s", error.reference or "-", error.message)
        return error.message, error.hint, error.reference
    reference = new_reference()
    log.error("unexpected error [%s]", reference, exc_info=error)
    message = _("Something went wrong.")
    hint = _("If it happens again, give support staff the reference {reference}.").format(
        reference=reference
    )
    return message, hint, reference
