"""The badges a site hosts (a Moodle's Open Badges 2.0), kept for the learner's wallet.

Each is kept offline, in its account learner's folder: the baked image (the assertion is
inside it) and what the wallet shows. Nothing signs such a badge, so it is never shown as
verified like the platform's certificates: offline, only its recipient is checked (the
hashed e-mail in its assertion matches the learner's); its authenticity is checked online,
against the assertion the site hosts, and the wallet says when that was last done.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import Any, NamedTuple

from companion.domain import HostedBadge
from companion.errors import UserFacingError
from companion.files import private_folder, read_json, write_atomic, write_json_atomic
from companion.platform import Capability, Platform

log = logging.getLogger("companion.services")

INDEX = "badges.json"


class KeptBadge(NamedTuple):
    id: str
    site: str
    name: str
    description: str
    course_title: str
    issuer: str
    issued_at: int
    image: Path  # the baked PNG, kept here
    recipient_checked: bool  # offline: the assertion names this learner's e-mail
    verified_online_at: float | None  # when the site's hosted assertion last matched
    withdrawn: bool  # the site no longer hosts it as issued (revoked, or changed)


class BadgeWallet:
    """One site account's badges, in its learner's folder."""

    def __init__(self, folder: Path, site: str) -> None:
        self.folder = folder
        self.site = site

    def all(self) -> list[KeptBadge]:
        index = read_json(self.folder / INDEX)
        records = index.get("badges") if isinstance(index, dict) else None
        kept = []
        for record in records if isinstance(records, list) else []:
            try:
                kept.append(self._kept(record))
            except (KeyError, TypeError, ValueError):
                log.warning("a damaged badge record was left out")
        return kept

    def refresh(self, platform: Platform) -> int:
        """Bring new badges here and check every kept one online; how many arrived."""
        if Capability.HOSTED_BADGES not in platform.capabilities:
            return 0
        records = {r["id"]: r for r in self._records()}
        arrived = 0
        for badge in platform.badges():
            if badge.id not in records:
                records[badge.id] = self._keep(badge)
                arrived += 1
        for record in records.values():
            self._verify(platform, record)
        write_json_atomic(self.folder / INDEX, {"badges": list(records.values())})
        return arrived

    def _keep(self, badge: HostedBadge) -> dict[str, Any]:
        private_folder(self.folder)
        write_atomic(self.folder / f"{badge.id}.png", badge.image_png)
        return {
            "id": badge.id,
            "name": badge.name,
            "description": badge.description,
            "course_title": badge.course_title,
            "issuer": badge.issuer,
            "issued_at": badge.issued_at,
            "verify_url": badge.verify_url,
            "recipient": badge.assertion.get("recipient"),
            "recipient_checked": recipient_matches(badge.assertion, badge.email),
            "verified_online_at": None,
            "withdrawn": False,
        }

    def _verify(self, platform: Platform, record: dict[str, Any]) -> None:
        try:
            hosted = platform.hosted_assertion(str(record["verify_url"]))
        except (UserFacingError, ValueError) as error:
            log.info("badge %s not checked online: %s", str(record["id"])[:8], error)
            withdrawn = getattr(error, "status", 0) in (404, 410)
            record["withdrawn"] = record["withdrawn"] or withdrawn
            return
        same = hosted.get("recipient") == record["recipient"]
        record["withdrawn"] = not same
        if same:
            record["verified_online_at"] = time.time()

    def _records(self) -> list[dict[str, Any]]:
        index = read_json(self.folder / INDEX)
        records = index.get("badges") if isinstance(index, dict) else None
        return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []

    def _kept(self, record: dict[str, Any]) -> KeptBadge:
        verified = record.get("verified_online_at")
        return KeptBadge(
            id=str(record["id"]),
            site=self.site,
            name=str(record["name"]),
            description=str(record["description"]),
            course_title=str(record["course_title"]),
            issuer=str(record["issuer"]),
            issued_at=int(record["issued_at"]),
            image=self.folder / f"{record['id']}.png",
            recipient_checked=bool(record["recipient_checked"]),
            verified_online_at=float(verified) if isinstance(verified, int | float) else None,
            withdrawn=bool(record["withdrawn"]),
        )


def recipient_matches(assertion: dict[str, Any], email: str) -> bool:
    """Open Badges 2.0: the recipient's identity is ``sha256$`` of the e-mail and the salt
    (or the e-mail itself when not hashed)."""
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not email or recipient.get("type") != "email":
        return False
    identity = str(recipient.get("identity", ""))
    if not recipient.get("hashed"):
        return identity.casefold() == email.casefold()
    salt = str(recipient.get("salt") or "")
    algorithm, _sep, digest = identity.partition("$")
    if algorithm != "sha256":
        return False
    return hashlib.sha256((email + salt).encode("utf-8")).hexdigest() == digest.lower()
