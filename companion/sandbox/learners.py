"""Sample learners of the sandbox platform.

Until sign-in lands (OpenID Connect), each learner is reached with a fixed development
token, ``sandbox-<login>``, sent as a bearer token. These tokens exist only here.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

PREMIUM_PROGRAMME = "Accès premium demandeurs d'emploi"

_PROFILES: dict[str, dict[str, Any]] = {
    "camille": {
        "id": "u-1001",
        "name": "Camille Martin",
        "email": "camille.martin@example.org",
        "entitlements": [
            {
                "id": "ent-1001",
                "programme": PREMIUM_PROGRAMME,
                "status": "active",
                "starts_on": "2026-09-01",
                "ends_on": "2027-08-31",
                "activated_at": "2026-09-01T08:12:00Z",
            }
        ],
        "enrollments": ["premier-site-html-css", "debuter-python"],
    },
    "karim": {
        "id": "u-1002",
        "name": "Karim Benali",
        "email": "karim.benali@example.org",
        "entitlements": [
            {
                "id": "ent-1002",
                "programme": PREMIUM_PROGRAMME,
                "status": "pending",
                "starts_on": None,
                "ends_on": None,
                "activated_at": None,
            }
        ],
        "enrollments": [],
    },
    "lea": {
        "id": "u-1003",
        "name": "Léa Dubois",
        "email": "lea.dubois@example.org",
        "entitlements": [
            {
                "id": "ent-1003",
                "programme": PREMIUM_PROGRAMME,
                "status": "expired",
                "starts_on": "2025-03-01",
                "ends_on": "2026-02-28",
                "activated_at": "2025-03-02T10:40:00Z",
            }
        ],
        "enrollments": ["securite-chantier"],
    },
}


@dataclass
class Learners:
    """In-memory learner records; each sandbox instance starts from the same sample."""

    records: dict[str, dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(_PROFILES))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def by_token(self, token: str) -> dict[str, Any] | None:
        login = token.removeprefix("sandbox-")
        return self.records.get(login) if token.startswith("sandbox-") else None

    def enroll(self, learner: dict[str, Any], course_id: str) -> bool:
        """Enrol once; returns False when the learner was enrolled already."""
        with self.lock:
            if course_id in learner["enrollments"]:
                return False
            learner["enrollments"].append(course_id)
            return True
