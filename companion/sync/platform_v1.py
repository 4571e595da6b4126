"""The platform API v1, typed. See resources/openapi.yaml for the contract."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from companion.domain import (
    CatalogEntry,
    ContractError,
    CourseManifest,
    parse_catalog,
    parse_manifest,
)
from companion.i18n import _
from companion.sync.client import HttpClient, MalformedResponse, decode_json

T = TypeVar("T")


@dataclass(frozen=True)
class Fetched:
    """A conditional GET's answer: new data, or ``None`` when the ETag still matches."""

    manifest: CourseManifest | None
    etag: str


class PlatformV1:
    def __init__(self, client: HttpClient) -> None:
        self.client = client

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


def _segment(value: str) -> str:
    """Ids go into URL paths: refuse anything that could change the path."""
    if not value or any(c in value for c in "/?#%\\") or value in (".", ".."):
        raise ValueError(f"not a valid id: {value!r}")
    return value


def _parsed(parser: Callable[[Any], T], data: Any) -> T:
    try:
        return parser(data)
    except ContractError as error:
        raise MalformedResponse(
            _("The platform sent an answer Companion cannot read."),
            _("This is usually temporary. If it lasts, contact support staff."),
        ) from error
