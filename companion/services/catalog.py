"""The course catalogue, fetched from the platform and kept for offline starts."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from companion.domain import CatalogEntry, ContractError, parse_catalog
from companion.errors import UserFacingError
from companion.files import read_json, write_json_atomic
from companion.services.connection import PlatformConnection

log = logging.getLogger("companion.services")


class CatalogResult(NamedTuple):
    courses: list[CatalogEntry]
    fetched_at: datetime | None
    online: bool
    problem: UserFacingError | None = None  # why the live catalogue could not be had


class CatalogService:
    def __init__(
        self, connection: PlatformConnection, cache_file: Path, first_copy: Path | None = None
    ) -> None:
        self.connection = connection
        self.cache_file = cache_file
        # In demo mode, the demo platform's catalogue as shipped with the app: painted on a
        # very first start while the demo platform's process is still starting (issue 14).
        self.first_copy = first_copy

    def refresh(self) -> CatalogResult:
        """Fetch the catalogue; when the platform cannot answer, fall back to the last copy.

        Raises the platform's error only when there is no saved copy to show.
        """
        try:
            courses = self.connection.api().catalog()
        except UserFacingError as error:  # unreachable, refused, unreadable
            cached = self.cached()
            if cached is None:
                raise
            log.info("showing saved catalogue: %s", error.message)
            return cached._replace(problem=error)
        fetched_at = datetime.now(UTC)
        self._save(courses, fetched_at)
        return CatalogResult(courses, fetched_at, online=True)

    def cached(self) -> CatalogResult | None:
        data = read_json(self.cache_file)
        if not isinstance(data, dict):
            return self._first_copy()
        try:
            courses = parse_catalog(data)
            fetched_at = datetime.fromisoformat(str(data["fetched_at"]))
        except (ContractError, KeyError, ValueError):
            log.warning("ignoring damaged catalogue cache %s", self.cache_file)
            return None
        return CatalogResult(courses, fetched_at, online=False)

    def _first_copy(self) -> CatalogResult | None:
        if self.first_copy is None or self.cache_file.exists():
            return None  # a damaged saved copy is not replaced by the shipped one
        data = read_json(self.first_copy)
        try:
            courses = parse_catalog(data if isinstance(data, dict) else {})
        except ContractError:
            log.warning("ignoring damaged demo catalogue %s", self.first_copy)
            return None
        return CatalogResult(courses, None, online=False)

    def _save(self, courses: list[CatalogEntry], fetched_at: datetime) -> None:
        payload = {
            "fetched_at": fetched_at.isoformat(),
            "courses": [course._asdict() for course in courses],
        }
        try:
            write_json_atomic(self.cache_file, payload)
        except OSError as error:  # a full disk must not hide a catalogue we just fetched
            log.warning("could not save the catalogue for offline use: %s", error)
