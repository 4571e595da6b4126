"""A training centre's Moodle site as a ``companion.platform.Platform``.

What a Moodle site gives Companion: the learner (``core_webservice_get_site_info``), the
courses they are enrolled in (``core_enrol_get_users_courses``) and their outlines
(``core_course_get_contents``, mapped by ``moodle_outline``), and the files to study
offline, each checked against the SHA-1 the site sends as ETag. What it does not: no
catalogue to browse, no enrolling from Companion, no premium access, no signed
certificates (its badges are "hosted", checked online). Those capabilities are left out,
and the callers above the seam leave the matching parts out. Progress goes as the site's
own calls and comes back as its completion states (``moodle_progress``).

An outline is read again only when the site says the course changed: a refresh of an
unchanged course is one ``core_course_get_updates_since`` call (see ``manifest``), no
contents and no file; files whose version did not change keep their asset key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any, NamedTuple

from companion.domain import (
    Account,
    Asset,
    CatalogEntry,
    CertificateSummary,
    ContractError,
    HostedBadge,
    SiteAttempt,
    SiteGrade,
)
from companion.errors import UserFacingError
from companion.i18n import _
from companion.platform import Capability, Credentials, Fetched, SignInKind, Statements
from companion.sync import moodle_badges, moodle_quiz
from companion.sync.client import HttpClient, MalformedResponse
from companion.sync.moodle_outline import course_id_of, course_ref, outline
from companion.sync.moodle_progress import MoodleStatements
from companion.sync.moodle_ws import MoodleClient, MoodleError

log = logging.getLogger("companion.sync")

# What a course's fingerprint covers (``core_course_check_updates``' areas): each module's
# settings (its name, text and dates: ``timemodified``) and its files. Not the learner's
# own completion, grades or attempts: they change as the learner studies, the outline not.
OUTLINE_AREAS = ("configuration", "fileareas")
# A section renamed or a course's own name changed moves no module: read the whole outline
# again after this long even when the fingerprint is unchanged.
OUTLINE_MAX_AGE_SECONDS = 24 * 3600


class MoodlePlatform:
    kind = "moodle"
    # Progress goes as the site's own calls and comes back as completion states.
    capabilities: frozenset[Capability] = frozenset(
        {Capability.STATEMENTS, Capability.HOSTED_BADGES, Capability.ONLINE_QUIZZES}
    )

    def __init__(
        self,
        http: HttpClient,
        token: str = "",
        sign_in_kind: SignInKind = SignInKind.PASSWORD,
    ) -> None:
        self.http = http
        self.sign_in_kind = sign_in_kind
        self._client = MoodleClient(http, token) if token else None
        self._user_id: int | None = None

    @property
    def address(self) -> str:
        return self.http.base_url

    def with_auth(self, credentials: Credentials) -> MoodlePlatform:
        """A Moodle token does not expire by itself: it is the bearer as kept."""
        return MoodlePlatform(self.http, credentials.bearer(), self.sign_in_kind)

    def with_lrs(self, xapi_endpoint: str) -> MoodlePlatform:
        return self  # Moodle is no learning record store: progress goes as its own calls

    # --- who the learner is ---------------------------------------------------------------

    def me(self) -> Account:
        info = self._call("core_webservice_get_site_info")
        user_id, name = info.get("userid"), info.get("fullname")
        if not isinstance(user_id, int) or not isinstance(name, str):
            raise _unreadable()
        self._user_id = user_id
        return Account(str(user_id), name, "", ())

    def activate_entitlement(self, job_seeker_id: str) -> Account:
        raise _cannot(Capability.ENTITLEMENT)

    # --- courses ----------------------------------------------------------------------

    def catalog(self) -> list[CatalogEntry]:
        return []  # no catalogue to browse: the centre enrols its learners

    def enrollments(self) -> list[str]:
        return [course_ref(self.address, course["id"]) for course in self._courses()]

    def enroll(self, course_id: str) -> None:
        raise _cannot(Capability.ENROL)

    def manifest(self, course_id: str, etag: str = "") -> Fetched:
        """The course's outline, read only when the site says something in it changed.

        ``etag`` is what the last read returned: the outline's version, the course's
        fingerprint and when it was read. The fingerprint is the site's answer to
        ``core_course_get_updates_since`` from the start of time (the server's own
        ``core_course_check_updates`` over every module the learner can see): each
        module's settings time and file ids, in course order. A module added, edited,
        moved, removed, hidden or opened to the learner changes it; the learner's own
        progress does not, and no clock is compared with the site's. Unchanged and read
        less than ``OUTLINE_MAX_AGE_SECONDS`` ago: ``Fetched(None, etag)`` after that one
        call."""
        moodle_id = course_id_of(course_id, self.address)
        kept = _OutlineTag.parse(etag)
        fingerprint: str | None = None
        if kept is not None and time.time() - kept.read_at < OUTLINE_MAX_AGE_SECONDS:
            fingerprint = self._fingerprint(moodle_id)
            if fingerprint and fingerprint == kept.fingerprint:
                return Fetched(None, etag)
        course = next((c for c in self._courses() if c["id"] == moodle_id), None)
        if course is None:
            raise UserFacingError(
                _("You are no longer enrolled in this course on the site."),
                _("What you downloaded stays on this computer. Ask your training centre."),
            )
        if fingerprint is None:  # asked before the contents: a change meanwhile shows next time
            fingerprint = self._fingerprint(moodle_id)
        sections = self._call("core_course_get_contents", courseid=moodle_id)
        try:
            manifest = outline(self.address, course, sections)
        except ContractError as error:
            raise _unreadable() from error
        # Even when the outline is the same, the new fingerprint and time are kept with it.
        tag = _OutlineTag(manifest.version, fingerprint, int(time.time()))
        return Fetched(manifest, tag.text())

    def asset_path(self, asset: Asset) -> str:
        """The file's own address on the site, with the account's token (never kept)."""
        if not asset.source.startswith(self.address + "/"):
            raise ValueError("a course file from another site")
        separator = "&" if "?" in asset.source else "?"
        return f"{asset.source}{separator}token={self._signed_in().token}"

    # --- progress: the outbox's statements as the site's own calls (moodle_progress) -------

    def statements(self) -> Statements:
        courses = [course["id"] for course in self._courses()]
        return MoodleStatements(self._signed_in(), self.address, courses)

    def post_statements(self, statements: list[dict[str, Any]]) -> None:
        MoodleStatements(self._signed_in(), self.address, []).post(statements)

    # --- certificates: Moodle's badges are hosted, not signed ---------------------------

    def certificates(self) -> list[CertificateSummary]:
        return []

    def signing_keys(self) -> dict[str, Any]:
        return {"keys": []}

    def certificate_credential(self, certificate_id: str) -> str:
        raise _cannot(Capability.SIGNED_CERTIFICATES)

    def certificate_pdf(self, certificate_id: str) -> bytes:
        raise _cannot(Capability.SIGNED_CERTIFICATES)

    def quiz_attempt(self, activity: str) -> SiteAttempt:
        client = self._signed_in()
        cmid = MoodleStatements(client, self.address, []).cmid_of(activity)
        if cmid is None:
            raise ValueError("not a quiz of this site")
        module = client.call("core_course_get_course_module", cmid=cmid)["cm"]
        quiz = moodle_quiz.quiz_of(client, int(module["course"]), cmid)
        return moodle_quiz.start(client, quiz)._replace(activity=activity)

    def finish_quiz(self, attempt: SiteAttempt, answers: dict[int, Any]) -> SiteGrade:
        return moodle_quiz.finish(self._signed_in(), attempt, answers, attempt.out_of)

    def badges(self) -> list[HostedBadge]:
        return moodle_badges.learner_badges(self._signed_in(), self.http)

    def hosted_assertion(self, verify_url: str) -> dict[str, Any]:
        return moodle_badges.hosted_assertion(self.http, verify_url)

    # --- helpers ----------------------------------------------------------------------------

    def _signed_in(self) -> MoodleClient:
        if self._client is None:
            raise RuntimeError("this call needs a signed-in Moodle account")
        return self._client

    def _call(self, function: str, **params: Any) -> Any:
        return self._signed_in().call(function, **params)

    def _fingerprint(self, moodle_id: int) -> str:
        """What the site says of every module of the course ("" when it cannot say)."""
        try:
            answer = self._call(
                "core_course_get_updates_since",
                courseid=moodle_id,
                since=0,
                filter=list(OUTLINE_AREAS),
            )
        except MoodleError as error:  # not enrolled any more, the call turned off...
            log.info("no fingerprint of course %s: %s", moodle_id, error.code)
            return ""
        canonical = json.dumps(answer, sort_keys=True, separators=(",", ":"))
        return "u-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def _courses(self) -> list[dict[str, Any]]:
        if self._user_id is None:
            self.me()
        courses = self._call("core_enrol_get_users_courses", userid=self._user_id)
        if not isinstance(courses, list) or not all(
            isinstance(c, dict) and isinstance(c.get("id"), int) for c in courses
        ):
            raise _unreadable()
        return courses


class _OutlineTag(NamedTuple):
    """The ``etag`` the library keeps for a Moodle course: ``version.fingerprint.t-time``."""

    version: str
    fingerprint: str  # "" when the site could not give one: every refresh reads it all
    read_at: int  # this computer's clock, compared only with itself

    def text(self) -> str:
        return f"{self.version}.{self.fingerprint}.t-{self.read_at}"

    @classmethod
    def parse(cls, etag: str) -> _OutlineTag | None:
        """None for an empty tag or one kept by an older Companion (the version alone)."""
        version, _sep, rest = etag.partition(".")
        fingerprint, _sep, read = rest.partition(".")
        if not fingerprint.startswith("u-") or not read.startswith("t-"):
            return None
        seconds = read.removeprefix("t-")
        return cls(version, fingerprint, int(seconds)) if seconds.isdigit() else None


def _cannot(capability: Capability) -> UserFacingError:
    return UserFacingError(
        _("A Moodle site does not offer this ({what}).").format(what=capability.value),
        _("Use the site itself for it."),
    )


def _unreadable() -> MalformedResponse:
    return MalformedResponse(
        _("The site sent an answer Companion cannot read."),
        _("This is usually temporary. If it lasts, tell your training centre."),
    )
