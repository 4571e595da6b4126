"""The platform seam: what any platform Companion learns from provides, in the domain's terms.

Each kind of platform implements ``Platform`` in its own module under ``companion/sync/``
(the platform API v1 in ``sync/platform_v1.py``; a Moodle site next). Everything above the
seam (library, downloads, sync engine, wallet, doctor, views) is written against this
interface only, and never asks which kind it talks to: what a kind cannot do, it says with
its ``capabilities`` (a Moodle badge is not a signed credential; a Moodle site has no
catalogue to browse), and the caller leaves that part out.

This module is plain types: no HTTP, no Qt; ``tests/unit/test_layers.py`` checks that
nothing above ``companion.sync`` imports a kind's module.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any, NamedTuple, Protocol, runtime_checkable

from companion.domain import (
    Account,
    Asset,
    CatalogEntry,
    CertificateSummary,
    CourseManifest,
    HostedBadge,
    SiteAttempt,
    SiteGrade,
)

# Companion's own URL scheme, registered with the system (desktop entry, Windows installer,
# macOS bundle): a browser sign-in to a site ends on it, and the system hands the address
# to Companion. A Moodle administrator sets "forcedurlscheme" to it (Moodle accepts no
# loopback address instead).
URL_SCHEME = "companion-desktop"


class SignInKind(enum.StrEnum):
    """How a learner signs in to a kind of platform."""

    OPENID = "openid"  # OpenID Connect: the system browser with PKCE, or a device code
    PASSWORD = "password"  # noqa: S105 - a kind of sign-in, not a secret; a name and password typed in Companion, over TLS
    BROWSER_TOKEN = "browser_token"  # noqa: S105 - a kind, not a secret; the system browser hands a token back (a URL scheme)


class Capability(enum.StrEnum):
    """What a kind of platform can do beyond the outline of the courses a learner follows."""

    CATALOGUE = "catalogue"  # a catalogue of courses to browse and add
    ENROL = "enrol"  # enrolling in a course from Companion
    ENTITLEMENT = "entitlement"  # premium access activated with a job-seeker identifier
    STATEMENTS = "statements"  # progress sent and read back (the outbox's xAPI statements)
    SIGNED_CERTIFICATES = "signed_certificates"  # credentials verifiable offline (VC-JWT)
    HOSTED_BADGES = "hosted_badges"  # Open Badges 2.0 checked online (a Moodle site's)
    ONLINE_QUIZZES = "online_quizzes"  # a site's quiz answered in Companion, graded there


class Fetched(NamedTuple):
    """A conditional read of a course outline: new data, or ``None`` when the version
    kept here (``etag``) is still the platform's."""

    manifest: CourseManifest | None
    etag: str


class Credentials(Protocol):
    """Gives the signed-in learner's access token; told when the platform refused one
    (so that the next call refreshes it)."""

    def bearer(self) -> str: ...
    def access_rejected(self, token: str) -> None: ...


class StatementPage(Protocol):
    @property
    def statements(self) -> list[dict[str, Any]]: ...
    @property
    def consistent_through(self) -> str:
        """How far the store's answer is complete; "" when it did not say."""
        ...


class Statements(Protocol):
    """Where progress goes and comes back from (an xAPI statements resource)."""

    complete: bool  # False: the last query stopped before the store's last page

    def post(self, statements: list[dict[str, Any]]) -> None: ...
    def query(self, agent: dict[str, Any], since: str, limit: int) -> Iterator[StatementPage]:
        """Oldest first. ``since``: "", a time, or where an earlier page said to take up
        from (an xAPI page's ``resume`` link); a kind that keeps no history ignores it."""
        ...


@runtime_checkable
class Platform(Protocol):
    """One platform a learner has an account on, as Companion uses it."""

    kind: str  # for logs and the doctor: "platform-v1", "moodle"...
    sign_in_kind: SignInKind
    capabilities: frozenset[Capability]

    @property
    def address(self) -> str:
        """The platform's base address (also the issuer of what it signs)."""
        ...

    def with_auth(self, credentials: Credentials) -> Platform:
        """The same platform, calling as the learner these credentials stand for."""
        ...

    def with_lrs(self, xapi_endpoint: str) -> Platform:
        """Progress to this learning record store instead of the platform's own."""
        ...

    # --- who the learner is ----------------------------------------------------------
    def me(self) -> Account: ...
    def activate_entitlement(self, job_seeker_id: str) -> Account: ...

    # --- courses: the catalogue, the learner's courses, their outlines and files -----
    def catalog(self) -> list[CatalogEntry]: ...
    def enrollments(self) -> list[str]: ...
    def enroll(self, course_id: str) -> None: ...
    def manifest(self, course_id: str, etag: str = "") -> Fetched: ...
    def asset_path(self, asset: Asset) -> str:
        """Where a course file is downloaded from, relative to ``address``; the bytes are
        checked against ``asset.sha256`` before they are kept."""
        ...

    # --- progress out and in -----------------------------------------------------------
    def statements(self) -> Statements: ...
    def post_statements(self, statements: list[dict[str, Any]]) -> None: ...

    # --- certificates ------------------------------------------------------------------
    def certificates(self) -> list[CertificateSummary]: ...
    def signing_keys(self) -> dict[str, Any]: ...
    def certificate_credential(self, certificate_id: str) -> str: ...
    def certificate_pdf(self, certificate_id: str) -> bytes: ...

    # --- badges hosted by the site (capability HOSTED_BADGES) ---------------------------
    def badges(self) -> list[HostedBadge]: ...
    def hosted_assertion(self, verify_url: str) -> dict[str, Any]:
        """The assertion as the site hosts it now, to compare with the baked one."""
        ...

    # --- a site's quizzes, answered here and graded there (capability ONLINE_QUIZZES) -----
    def quiz_attempt(self, activity: str) -> SiteAttempt:
        """The attempt in progress (or a new one) of the quiz at ``activity``."""
        ...

    def finish_quiz(self, attempt: SiteAttempt, answers: dict[int, Any]) -> SiteGrade: ...
