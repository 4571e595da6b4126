"""What the demo platform remembers between starts (issue 13: Karim's activation and his
synced progress were gone after each restart).

It keeps the learners' records (activations, enrolments), the sign-ins it granted (as token
hashes, never the tokens: oidc.token_hash), the statements it stored, the certificates it
issued and its signing keys, so that a certificate issued yesterday still verifies today.
Readable by its owner only, in the profile's data folder. Short-lived things (authorisation
and device codes) are not kept: a sign-in interrupted by a restart is simply started again.

Two files, so that a request costs what it changes, not what is kept (issue 28: the whole
state, 33 MB at 50,000 statements, was rewritten after every POST, a push of 50k took 40 s):
the statements are appended to ``demo-statements.jsonl`` (one line each, synced before the
answer goes), everything else is one JSON file replaced atomically, only when it changed.
A line cut short by a kill is dropped at the next start: its POST was never answered.
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
STATEMENTS_FILE = "demo-statements.jsonl"
FORMAT = 2  # 1 kept the statements inside the state file; read, and moved out at first save


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
        self.statements_path = self.folder / STATEMENTS_FILE
        self._lock = threading.Lock()
        self._appended = 0  # statements already in the statements file
        self._written = ""  # the state file's text as last written
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
            self._set_statements_aside()  # statements without their learners: not restored
            return None
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") not in (1, FORMAT):
                raise ValueError("unknown format")
        except ValueError as error:
            aside = self.path.with_suffix(".damaged")
            os.replace(self.path, aside)
            log.warning("demo platform: saved state unreadable (%s), set aside as %s", error, aside)
            self._set_statements_aside()
            return None
        appended = self._read_statements()
        self._appended = len(appended)
        data["statements"] = appended + list(data.get("statements", []))  # format 1's last
        return data

    def close(self) -> None:
        """Let another demo platform keep this state (as the process's end does)."""
        self._writer.release()

    def _set_statements_aside(self) -> None:
        if self.writable and self.statements_path.exists():
            os.replace(self.statements_path, self.statements_path.with_suffix(".damaged"))

    def _read_statements(self) -> list[dict[str, Any]]:
        try:
            raw = self.statements_path.read_bytes()
        except FileNotFoundError:
            return []
        whole = raw[: raw.rfind(b"\n") + 1]  # a last line without its end was cut by a kill
        if len(whole) != len(raw) and self.writable:
            with open(self.statements_path, "r+b") as out:
                out.truncate(len(whole))
        kept = []
        for line in whole.splitlines():
            try:
                kept.append(json.loads(line))
            except ValueError:
                log.warning("demo platform: an unreadable saved statement was left out")
        return kept

    def save(self, parts: PlatformParts) -> None:
        if not self.writable:
            return
        data = {
            "format": FORMAT,
            "keys": _keys(parts.provider),
            "learners": _learners(parts.learners),
            "tokens": _tokens(parts.provider),
            "certificates": _certificates(parts.certificates),
        }
        text = json.dumps(data, ensure_ascii=False)
        with self._lock:  # two requests ending together: one after the other
            fresh = parts.statements.saved_lines(self._appended)
            if fresh:
                _append(self.statements_path, fresh)
                self._appended += len(fresh)
            if text != self._written:
                write_atomic(self.path, text.encode("utf-8"))
                self._written = text


def _append(path: Path, lines: list[str]) -> None:
    """New statements at the end of the file, on the disk before the POST is answered."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "ab") as out:
        out.write("".join(lines).encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())


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
