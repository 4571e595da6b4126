"""The platform API v1, typed. See resources/openapi.yaml for the contract."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import requests

from companion.domain import (
    Account,
    CatalogEntry,
    CertificateSummary,
    ContractError,
    CourseManifest,
    check_certificate_id,
    parse_account,
    parse_catalog,
    parse_manifest,
)
from companion.i18n import _
from companion.sync.client import HttpClient, MalformedResponse, PlatformError, decode_json

T = TypeVar("T")


@dataclass(frozen=True)
class Fetched:
    """A conditional GET's answer: new data, or ``None`` when the ETag still matches."""

    manifest: CourseManifest | None
    etag: str


class BearerSource(Protocol):
    """Gives an access token; told when the platform rejected one (see AuthSession)."""

    def bearer(self) -> str: ...
    def access_rejected(self, token: str) -> None: ...


class PlatformV1:
    def __init__(self, client: HttpClient, auth: BearerSource | None = None) -> None:
        self.client = client
        self.auth = auth

    def with_auth(self, auth: BearerSource) -> PlatformV1:
        return PlatformV1(self.client, auth)

    def me(self) -> Account:
        return _parsed(parse_account, decode_json(self._authorized("GET", "/v1/me")))

    def post_statements(self, statements: list[dict[str, Any]]) -> list[str]:
        """Send a batch; the platform keeps each statement id once (resending is harmless)."""
        data = decode_json(self._authorized("POST", "/v1/xapi/statements", json=statements))
        if not isinstance(data, list):
            raise _unreadable()
        return [str(item) for item in data]

    def statements_since(
        self, cursor: str, limit: int = 500
    ) -> tuple[list[dict[str, Any]], str, bool]:
        """The learner's statements from every device after ``cursor``, one page."""
        response = self._authorized(
            "GET", "/v1/xapi/statements", params={"since": cursor, "limit": limit}
        )
        data = decode_json(response)
        try:
            statements = [s for s in data["statements"] if isinstance(s, dict)]
            return statements, str(data["cursor"]), bool(data["more"])
        except (KeyError, TypeError) as error:
            raise _unreadable() from error

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

    def _authorized(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send with the bearer token; after a 401, refresh once and try again."""
        if self.auth is None:
            raise RuntimeError("this call needs a signed-in session")
        token = self.auth.bearer()
        try:
            return self.client.request(method, path, headers=_bearer(token), **kwargs)
        except PlatformError as error:
            if error.status != 401:
                raise
            self.auth.access_rejected(token)
        return self.client.request(method, path, headers=_bearer(self.auth.bearer()), **kwargs)

    def catalog(self) -> list[CatalogEntry]:
        return _parsed(parse_catalog, self.client.get_json("/v1/catalog"))

    def manifest(self, course_id: str, etag: str = "") -> Fetched:
        headers = {"If-None-Match": etag} if etag else {}
        response = self.client.request(
            "GET", f"/v1/courses/{_segment(course_id)}/manifest", expect=(200, 304), headers=headers
        )
        if response.status_code == 304:
            return Fetched(None, etag)
        manifest = _parsed(parse_manifest, decode_json(response))
        return Fetched(manifest, response.headers.get("ETag", ""))


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
