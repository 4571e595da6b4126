"""Sample learners of the sandbox platform. Every sample password is ``apprendre``."""

from __future__ import annotations

import copy
import hmac
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PREMIUM_PROGRAMME = "Accès premium demandeurs d'emploi"
SAMPLE_PASSWORD = "apprendre"  # noqa: S105 - the documented demo password
JOB_SEEKER_ID = re.compile(r"^[0-9]{7}[0-9A-Z]$")

_PROFILES: dict[str, dict[str, Any]] = {
    "camille": {
        "login": "camille",
        "job_seeker_id": "2345678C",
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
        "login": "karim",
        "job_seeker_id": "1234567K",
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
        "login": "lea",
        "job_seeker_id": "3456789L",
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

    def check_password(self, login: str, password: str) -> dict[str, Any] | None:
        learner = self.records.get(login.strip().lower())
        if learner is None or not hmac.compare_digest(password, SAMPLE_PASSWORD):
            return None
        return learner

    def activate(self, learner: dict[str, Any], job_seeker_id: str) -> tuple[int, str]:
        """Activate a pending premium access; returns (HTTP status, problem detail)."""
        if not JOB_SEEKER_ID.match(job_seeker_id):
            return 422, "The job-seeker identifier is 7 digits followed by a digit or letter."
        if not hmac.compare_digest(job_seeker_id, learner["job_seeker_id"]):
            return 422, "This identifier does not match the learner's registration."
        with self.lock:
            pending = [e for e in learner["entitlements"] if e["status"] == "pending"]
            if not pending:
                return 409, "There is no premium access waiting for activation."
            today = date.today()
            pending[0].update(
                status="active",
                starts_on=today.isoformat(),
                ends_on=today.replace(year=today.year + 1).isoformat(),
                activated_at=f"{today.isoformat()}T00:00:00Z",
            )
        return 200, ""

    def enroll(self, learner: dict[str, Any], course_id: str) -> bool:
        """Enrol once; returns False when the learner was enrolled already."""
        with self.lock:
            if course_id in learner["enrollments"]:
                return False
            learner["enrollments"].append(course_id)
            return True
