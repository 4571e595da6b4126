"""What the demo platform remembers between starts (issue 13: Karim's activation and his
synced progress were gone after each restart).

It keeps the learners' records (activations, enrolments), the sign-ins it granted (as token
hashes, never the tokens: oidc.token_hash), the statements it stored, the certificates it
issued and its signing keys, so that a certificate issued yesterday still verifies today.
One JSON file in the profile's data folder, replaced atomically after each change and
readable by its owner only. Short-lived things (authorisation and device codes) are not kept:
a sign-in interrupted by a restart is simply started again.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey, OKPKey, RSAKey

from companion.files import private_folder, write_atomic
from companion.sandbox.certificates import Certificates, Issued
from companion.sandbox.learners import Learners
from companion.sandbox.lrs import StatementStore
from companion.sandbox.oidc import ProviderState, Token
from companion.store.locks import FileLock

log = logging.getLogger("companion.sandbox")

STATE_FILE = "demo-platform.json"
FORMAT = 1


@dataclass
class PlatformParts:
    """The sandbox's stores that make up its memory."""

    learners: Learners
    provider: ProviderState
    statements: StatementStore
    certificates: Certificates


class SavedState:
    def __init__(self, folder: Path) -> None:
        self.folder = private_folder(folder)
        self.path = self.folder / STATE_FILE
        self._lock = threading.Lock()
        # One writer: a second demo platform on the same profile (`companion catalog` beside
        # the window) reads what is saved but never overwrites the first one's changes.
        self._writer = FileLock(self.folder / "writer.lock", mode=0o600)
        self.writable = self._writer.acquire()
        if not self.writable:
            log.info("demo platform: another one keeps this state; this one saves nothing")

    def read(self) -> dict[str, Any] | None:
        """The saved state, or None when there is none. A damaged file is set aside and the
        demo starts afresh; a file it may not read is an error (never taken for damage)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("unknown format")
            return data
        except ValueError as error:
            aside = self.path.with_suffix(".damaged")
            os.replace(self.path, aside)
            log.warning("demo platform: saved state unreadable (%s), set aside as %s", error, aside)
            return None

    def save(self, parts: PlatformParts) -> None:
        if not self.writable:
            return
        data = {
            "format": FORMAT,
            "keys": _keys(parts.provider),
            "learners": _learners(parts.learners),
            "tokens": _tokens(parts.provider),
            "statements": parts.statements.snapshot(),
            "certificates": _certificates(parts.certificates),
        }
        text = json.dumps(data, ensure_ascii=False)
        with self._lock:  # two requests ending together: one whole file after the other
            write_atomic(self.path, text.encode("utf-8"))


def provider_from(data: dict[str, Any] | None) -> ProviderState:
    """A provider with the saved signing keys (new ones on a first start)."""
    if data is None:
        return ProviderState()
    keys = data["keys"]
    return ProviderState(
        key=RSAKey.import_key(keys["rsa"]),
        ec_key=ECKey.import_key(keys["ec"]),
        ed_key=OKPKey.import_key(keys["ed"]),
    )


def restore(data: dict[str, Any], parts: PlatformParts) -> None:
    """Put the saved learners, sign-ins, statements and certificates back."""
    with parts.learners.lock:
        for login, record in data["learners"].items():
            parts.learners.records[login] = record
    records = parts.learners.records
    with parts.provider.lock:
        for kept in data["tokens"]:
            user = records.get(kept.pop("login"))
            if user is not None:
                parts.provider.tokens.append(Token(user=user, **kept))
    parts.statements.restore(data["statements"])
    with parts.certificates.lock:
        for item in data["certificates"]:
            issued = Issued.from_json(item)
            parts.certificates.issued[(issued.learner_id, issued.course_id)] = issued


def _keys(provider: ProviderState) -> dict[str, Any]:
    return {
        "rsa": provider.key.as_dict(private=True),
        "ec": provider.ec_key.as_dict(private=True),
        "ed": provider.ed_key.as_dict(private=True),
    }


def _learners(learners: Learners) -> dict[str, Any]:
    with learners.lock:
        return copy.deepcopy(learners.records)


def _tokens(provider: ProviderState) -> list[dict[str, Any]]:
    """The sign-ins still of use: not revoked, and refreshable or not yet expired."""
    with provider.lock:
        return [
            {
                "login": token.user["login"],
                "scope": token.scope,
                "access_hash": token.access_hash,
                "refresh_hash": token.refresh_hash,
                "issued_at": token.issued_at,
                "expires_in": token.expires_in,
            }
            for token in provider.tokens
            if not token.revoked and (token.refresh_hash or not token.is_expired())
        ]


def _certificates(certificates: Certificates) -> list[dict[str, Any]]:
    with certificates.lock:
        return [issued.to_json() for issued in certificates.issued.values()]
