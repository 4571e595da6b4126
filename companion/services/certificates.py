"""The learner's certificates: kept on this computer in both forms, verified offline.

A certificate is an Open Badges 3.0 credential signed by the platform (VC-JWT). It is
checked here against the platform's keys cached at the last sync, so the wallet works
without a connection: the signature, that the platform issued it, that it was issued to
this learner, and its dates. The PDF is only the printable rendition; the signed
credential is the proof an employer or counsellor can check.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from companion.domain import CertificateSummary, check_certificate_id
from companion.errors import UserFacingError
from companion.files import read_json, write_atomic, write_json_atomic
from companion.i18n import _
from companion.services.progress.sync_state import SyncState
from companion.store.db import Database

CLOCK_LEEWAY_SECONDS = 120
ANNOUNCED = "certificates_announced"  # a sync state key: the ids the learner was told about
ALGORITHMS = ["RS256", "PS256", "ES256"]


class Verdict(StrEnum):
    VALID = "valid"
    TAMPERED = "tampered"  # signature does not match, or not a credential at all
    UNKNOWN_KEY = "unknown_key"  # signed with a key this computer has not seen yet
    OTHER_ISSUER = "other_issuer"
    NOT_YOURS = "not_yours"
    NOT_YET_VALID = "not_yet_valid"  # usually this computer's clock
    EXPIRED = "expired"


class Certificate(NamedTuple):
    id: str
    course_id: str
    title: str
    issued_at: str
    credential: str
    has_pdf: bool
    verdict: Verdict
    achievement: str  # the achievement's name, from the signed credential when valid


def verify(
    credential: str,
    jwks: Mapping[str, Any] | None,
    *,
    issuer: str,
    learner_id: str,
    now: float | None = None,
) -> tuple[Verdict, dict[str, Any]]:
    """Check a VC-JWT offline; returns the verdict and the claims (empty unless signed)."""
    # Here, not at the top: joserfc loads the cryptography stack (about 60 ms), and the
    # wallet view imports this module on the GUI thread.
    from joserfc import jws, jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    if not jwks:
        return Verdict.UNKNOWN_KEY, {}
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        header = jws.extract_compact(credential.encode("ascii")).headers()
        if header.get("kid") and not any(k.kid == header["kid"] for k in keys.keys):
            return Verdict.UNKNOWN_KEY, {}
        claims = dict(jwt.decode(credential, keys, algorithms=ALGORITHMS).claims)
    except (JoseError, ValueError, TypeError):
        return Verdict.TAMPERED, {}
    return _check_claims(claims, issuer, learner_id, now), claims


def _check_claims(
    claims: dict[str, Any], issuer: str, learner_id: str, now: float | None
) -> Verdict:
    vc = claims.get("vc")
    if not isinstance(vc, dict):
        return Verdict.TAMPERED
    kinds = vc.get("type")
    if isinstance(kinds, str):  # the data model allows one type as a plain string
        kinds = [kinds]
    # Anything but a list of names is not a credential (a `true` there once raised
    # TypeError out of the verification, found by the fuzz test).
    if not isinstance(kinds, list) or "OpenBadgeCredential" not in kinds:
        return Verdict.TAMPERED
    issuer_id = vc.get("issuer", {}).get("id") if isinstance(vc.get("issuer"), dict) else None
    if claims.get("iss") != issuer.rstrip("/") or issuer_id != claims.get("iss"):
        return Verdict.OTHER_ISSUER
    if claims.get("sub") != learner_id:
        return Verdict.NOT_YOURS
    current = time.time() if now is None else now
    if _number(claims.get("nbf"), 0) > current + CLOCK_LEEWAY_SECONDS:
        return Verdict.NOT_YET_VALID
    if _number(claims.get("exp"), float("inf")) < current - CLOCK_LEEWAY_SECONDS:
        return Verdict.EXPIRED
    return Verdict.VALID


def _number(value: object, default: float) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )


class CertificateService:
    """The only writer of the ``certificates`` table; what has been announced is kept in
    the sync state, through its owner."""

    def __init__(self, db: Database, folder: Path) -> None:
        self.db = db  # the progress database: certificates are the learner's own
        self.folder = folder
        self.jwks_file = folder / "platform-keys.json"

    def known_ids(self) -> set[str]:
        return {row["id"] for row in self.db.read("SELECT id FROM certificates")}

    def save(self, summary: CertificateSummary, credential: str, pdf: bytes | None) -> None:
        """Keep both forms; the PDF is written first, so a listed certificate has it."""
        certificate_id = check_certificate_id(summary.id)
        if pdf is not None:
            write_atomic(self.pdf_path(certificate_id), pdf)
        with self.db.write() as c:
            c.execute(
                "INSERT OR REPLACE INTO certificates VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    certificate_id,
                    summary.course_id,
                    summary.title,
                    summary.issued_at,
                    credential,
                    int(pdf is not None),
                    time.time(),
                ),
            )

    def take_new(self, shown: list[str]) -> list[str]:
        """The certificates among ``shown`` the learner has not been told about yet; from
        now on they are known. Kept in the database, so a certificate fetched while the
        wallet was closed, or the app was not running, is announced once, later."""
        with self.db.write() as c:
            announced = _announced(SyncState.value_in(c, ANNOUNCED))
            new = [certificate_id for certificate_id in shown if certificate_id not in announced]
            if new:
                SyncState.put(c, ANNOUNCED, json.dumps(sorted(announced | set(new))))
        return new

    def not_announced(self, shown: list[str]) -> list[str]:
        """``take_new`` without taking: the wallet still announces them when opened."""
        announced = _announced(SyncState(self.db).value(ANNOUNCED))
        return [certificate_id for certificate_id in shown if certificate_id not in announced]

    def save_keys(self, jwks: Mapping[str, Any]) -> None:
        write_json_atomic(self.jwks_file, dict(jwks))

    def cached_keys(self) -> dict[str, Any] | None:
        data = read_json(self.jwks_file)
        return data if isinstance(data, dict) else None

    def certificates(self, issuer: str, learner_id: str) -> list[Certificate]:
        """Every certificate kept here, newest first, each verified now, offline."""
        keys = self.cached_keys()
        rows = self.db.read("SELECT * FROM certificates ORDER BY issued_at DESC")
        found = []
        for row in rows:
            verdict, claims = verify(row["credential"], keys, issuer=issuer, learner_id=learner_id)
            name = _achievement_name(claims)
            found.append(
                Certificate(
                    row["id"],
                    row["course_id"],
                    row["title"],
                    row["issued_at"],
                    row["credential"],
                    bool(row["has_pdf"]) and self.pdf_path(row["id"]).is_file(),
                    verdict,
                    str(name or row["title"]),
                )
            )
        return found

    def pdf_path(self, certificate_id: str) -> Path:
        return self.folder / f"{check_certificate_id(certificate_id)}.pdf"

    def export_pdf(self, certificate_id: str, destination: Path) -> None:
        source = self.pdf_path(certificate_id)
        if not source.is_file():
            raise UserFacingError(
                _("The PDF of this certificate is not on this computer yet."),
                _("It will be downloaded at the next sync."),
            )
        _export(lambda: write_atomic(destination, source.read_bytes()))  # whole or not at all

    def export_credential(self, certificate_id: str, destination: Path) -> None:
        """The signed credential as issued (a .jwt file anyone can verify)."""
        rows = self.db.read("SELECT credential FROM certificates WHERE id = ?", (certificate_id,))
        if not rows:
            raise UserFacingError(_("This certificate is not on this computer."))
        # A credential is ASCII when well formed; a broken one is still saved as it came.
        credential = (rows[0]["credential"] + "\n").encode("utf-8", errors="replace")
        _export(lambda: write_atomic(destination, credential))


def _announced(value: str | None) -> set[str]:
    return set(json.loads(value)) if value is not None else set()


def _achievement_name(claims: Mapping[str, Any]) -> str | None:
    """The achievement's name, when every level of the credential has the expected shape
    (a ``credentialSubject`` that is a string once crashed the wallet on every open)."""
    level: Any = claims
    for key in ("vc", "credentialSubject", "achievement", "name"):
        if not isinstance(level, Mapping):
            return None
        level = level.get(key)
    return level if isinstance(level, str) and level else None


def _export(write: Any) -> None:
    try:
        write()
    except OSError as error:
        raise UserFacingError(
            _("The file could not be saved: {reason}").format(reason=error.strerror or error),
            _("Choose another folder, or free some space, and try again."),
        ) from error
