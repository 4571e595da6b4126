"""The platform API v1, typed. See resources/openapi.yaml for the contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import requests

from companion.domain import (
    Account,
    Asset,
    CatalogEntry,
    CertificateSummary,
    ContractError,
    HostedBadge,
    SiteAttempt,
    SiteGrade,
    check_certificate_id,
    parse_account,
    parse_catalog,
    parse_manifest,
)
from companion.errors import UserFacingError
from companion.i18n import _
from companion.platform import Capability, Credentials, Fetched, SignInKind
from companion.sync.client import HttpClient, MalformedResponse, PlatformError, decode_json
from companion.sync.xapi_lrs import XapiStatements

T = TypeVar("T")


__all__ = ["Fetched", "PlatformV1", "check_lrs_address"]


class PlatformV1:
    """The platform API v1 (resources/openapi.yaml): the first kind of ``Platform``."""

    kind = "platform-v1"
    sign_in_kind = SignInKind.OPENID
    capabilities = frozenset(
        {
            Capability.CATALOGUE,
            Capability.ENROL,
            Capability.ENTITLEMENT,
            Capability.STATEMENTS,
            Capability.SIGNED_CERTIFICATES,
        }
    )

    def __init__(
        self, client: HttpClient, auth: Credentials | None = None, xapi_endpoint: str = ""
    ) -> None:
        self.client = client
        self.auth = auth
        # The learning record store progress goes to: the platform's own unless it (or a
        # setting) names another.
        self.xapi_endpoint = xapi_endpoint or f"{client.base_url}/v1/xapi/"

    @property
    def address(self) -> str:
        return self.client.base_url

    def with_auth(self, credentials: Credentials) -> PlatformV1:
        return PlatformV1(self.client, credentials, self.xapi_endpoint)

    def with_lrs(self, xapi_endpoint: str) -> PlatformV1:
        """Progress to this learning record store (its xAPI base URL) instead."""
        if xapi_endpoint:
            check_lrs_address(xapi_endpoint)
        return PlatformV1(self.client, self.auth, xapi_endpoint)

    def me(self) -> Account:
        return _parsed(parse_account, decode_json(self._authorized("GET", "/v1/me")))

    def statements(self) -> XapiStatements:
        """The xAPI statements resource, with the learner's token (refreshed after a 401)."""
        return XapiStatements(self.xapi_endpoint, self._authorized)

    def post_statements(self, statements: list[dict[str, Any]]) -> None:
        """Send a batch; the store keeps each statement id once (resending is harmless)."""
        self.statements().post(statements)

    def certificates(self) -> list[CertificateSummary]:
        data = decode_json(self._authorized("GET", "/v1/me/certificates"))
        try:
            return [
                CertificateSummary(
                    check_certificate_id(str(item["id"])),
                    str(item["course_id"]),
                    str(item["title"]),
                    str(item["issued_at"]),
                )
                for item in data["certificates"]
            ]
        except (KeyError, TypeError, ValueError) as error:  # ValueError: a hostile id
            raise _unreadable() from error

    def signing_keys(self) -> dict[str, Any]:
        """The platform's public keys (JWKS), which certificates are verified against."""
        data = decode_json(self.client.request("GET", "/.well-known/jwks.json"))
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise _unreadable()
        return data

    def certificate_credential(self, certificate_id: str) -> str:
        """The signed credential (compact VC-JWT), as issued."""
        path = f"/v1/me/certificates/{_segment(certificate_id)}"
        text = self._authorized("GET", path).text.strip()
        if text.count(".") != 2 or any(c.isspace() for c in text):
            raise _unreadable()
        return text

    def certificate_pdf(self, certificate_id: str) -> bytes:
        response = self._authorized("GET", f"/v1/me/certificates/{_segment(certificate_id)}.pdf")
        if not response.content.startswith(b"%PDF-"):
            raise _unreadable()
        return response.content

    def quiz_attempt(self, activity: str) -> SiteAttempt:
        raise ValueError("the platform API v1's quizzes are graded in Companion")

    def finish_quiz(self, attempt: SiteAttempt, answers: dict[int, Any]) -> SiteGrade:
        raise ValueError("the platform API v1's quizzes are graded in Companion")

    def badges(self) -> list[HostedBadge]:
        return []  # the platform issues signed certificates instead

    def hosted_assertion(self, verify_url: str) -> dict[str, Any]:
        raise ValueError("the platform API v1 hosts no badges")

    def enrollments(self) -> list[str]:
        data = decode_json(self._authorized("GET", "/v1/me/enrollments"))
        try:
            return [str(item["course_id"]) for item in data["enrollments"]]
        except (KeyError, TypeError) as error:
            raise _unreadable() from error

    def enroll(self, course_id: str) -> None:
        self._authorized(
            "POST", "/v1/me/enrollments", json={"course_id": course_id}, expect=(200, 201)
        )

    def activate_entitlement(self, job_seeker_id: str) -> Account:
        response = self._authorized(
            "POST", "/v1/me/entitlements/activate", json={"job_seeker_id": job_seeker_id}
        )
        return _parsed(parse_account, decode_json(response))

    def _authorized(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send with the bearer token; after a 401, refresh once and try again."""
        if self.auth is None:
            raise RuntimeError("this call needs a signed-in session")
        token = self.auth.bearer()
        try:
            return self.client.request(
                method, path, headers={**(headers or {}), **_bearer(token)}, **kwargs
            )
        except PlatformError as error:
            if error.status != 401:
                raise
            self.auth.access_rejected(token)
        fresh = {**(headers or {}), **_bearer(self.auth.bearer())}
        return self.client.request(method, path, headers=fresh, **kwargs)

    @staticmethod
    def asset_path(asset: Asset) -> str:
        """Course files are content-addressed: the same URL for every learner and course,
        so that shared caches serve them."""
        return f"/v1/assets/{_segment(asset.sha256)}"

    def catalog(self) -> list[CatalogEntry]:
        return _parsed(parse_catalog, self.client.get_json("/v1/catalog"))

    def manifest(self, course_id: str, etag: str = "") -> Fetched:
        headers = {"If-None-Match": etag} if etag else {}
        response = self.client.request(
            "GET", f"/v1/courses/{_segment(course_id)}/manifest", expect=(200, 304), headers=headers
        )
        if response.status_code == 304:
            if not etag:  # "unchanged" from what? nothing was asked with a version
                raise _unreadable()
            return Fetched(None, etag)
        manifest = _parsed(parse_manifest, decode_json(response))
        return Fetched(manifest, response.headers.get("ETag", ""))


def check_lrs_address(url: str) -> None:
    """The learner's token goes there: only over TLS, except to this computer (tests,
    the demo platform)."""
    from companion.auth.discovery import is_safe_url  # the rule sign-in endpoints follow

    if not is_safe_url(url):
        raise UserFacingError(
            _("The learning record store's address must start with https://."),
            _("Check the address in the setting sync.lrs_url, or tell the platform's team."),
        )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _segment(value: str) -> str:
    """Ids go into URL paths: refuse anything that could change the path."""
    if not value or any(c in value for c in "/?#%\\") or value in (".", ".."):
        raise ValueError(f"not a valid id: {value!r}")
    return value


def _parsed(parser: Callable[[Any], T], data: Any) -> T:
    try:
        return parser(data)
    except ContractError as error:
        raise _unreadable() from error


def _unreadable() -> MalformedResponse:
    return MalformedResponse(
        _("The platform sent an answer Companion cannot read."),
        _("This is usually temporary. If it lasts, contact support staff."),
    )
