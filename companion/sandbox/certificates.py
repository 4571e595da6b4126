"""Certificates the sandbox issues when a learner completes a course.

The rule is the client's (``completion_requirements``), applied to the statements the
platform holds from every device: every chapter completed and every quiz passed. The
certificate is an Open Badges 3.0 ``OpenBadgeCredential`` secured as a VC-JWT (RS256),
signed with the provider's key, so a client verifies it offline against the JWKS it cached.
A PDF rendition is made for printing.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from companion.domain import completion_requirements, parse_manifest
from companion.sandbox import media
from companion.sandbox.content import Content
from companion.sandbox.lrs import StatementStore

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ISSUER_NAME = "Plateforme de formation (bac à sable)"


@dataclass(frozen=True)
class Issued:
    id: str
    learner_id: str
    learner_name: str
    course_id: str
    title: str
    issued_at: datetime
    credential: str  # the compact VC-JWT

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "course_id": self.course_id,
            "title": self.title,
            "issued_at": self.issued_at.isoformat(timespec="seconds"),
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "issued_at": self.issued_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Issued:
        return cls(**{**data, "issued_at": datetime.fromisoformat(data["issued_at"])})

    def pdf(self, issuer: str) -> bytes:
        return media.certificate_pdf(
            self.learner_name, self.title, self.issued_at, f"urn:uuid:{self.id}", issuer
        )


@dataclass
class Certificates:
    content: Content
    key: RSAKey
    issued: dict[tuple[str, str], Issued] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _requirements: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def requirements(self, course_id: str) -> set[tuple[str, str]]:
        """What completes a course, worked out once per course (called on every POST)."""
        if course_id not in self._requirements:
            manifest = parse_manifest(self.content.courses[course_id].manifest)
            self._requirements[course_id] = completion_requirements(manifest)
        return self._requirements[course_id]

    def clear(self) -> None:
        with self.lock:
            self.issued.clear()

    def award(self, learner: dict[str, Any], statements: StatementStore, issuer: str) -> None:
        """Issue a certificate for each course the learner has now completed (once)."""
        for course_id, built in self.content.courses.items():
            needed = self.requirements(course_id)
            with self.lock:
                if (learner["id"], course_id) in self.issued:
                    continue
                if not statements.establish(learner["id"], needed):
                    continue
                made = self._issue(learner, course_id, built.manifest["title"], issuer)
                self.issued[(learner["id"], course_id)] = made

    def of(self, learner_id: str) -> list[Issued]:
        with self.lock:
            return [c for (owner, _), c in self.issued.items() if owner == learner_id]

    def find(self, learner_id: str, certificate_id: str) -> Issued | None:
        return next((c for c in self.of(learner_id) if c.id == certificate_id), None)

    def _issue(self, learner: dict[str, Any], course_id: str, title: str, issuer: str) -> Issued:
        certificate_id = str(uuid.uuid4())
        now = datetime.now(UTC).replace(microsecond=0)
        credential = {
            "@context": OB_CONTEXT,
            "id": f"urn:uuid:{certificate_id}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer, "type": ["Profile"], "name": ISSUER_NAME},
            "validFrom": now.isoformat(),
            "name": f"Certificat : {title}",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityType": "identifier",
                        "hashed": False,
                        "identityHash": learner["id"],
                    }
                ],
                "achievement": {
                    "id": f"{issuer}/v1/achievements/{course_id}",
                    "type": ["Achievement"],
                    "achievementType": "Certificate",
                    "name": title,
                    "description": f"A suivi la formation « {title} » en entier.",
                    "criteria": {
                        "narrative": "Tous les chapitres terminés et tous les quiz réussis."
                    },
                },
            },
        }
        claims = {
            "iss": issuer,
            "sub": learner["id"],
            "jti": credential["id"],
            "nbf": int(now.timestamp()),
            "iat": int(now.timestamp()),
            "vc": credential,
        }
        header = {"alg": "RS256", "kid": self.key.kid or "", "typ": "JWT"}
        token = jwt.encode(header, claims, self.key)
        return Issued(certificate_id, learner["id"], learner["name"], course_id, title, now, token)
