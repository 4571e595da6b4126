"""The support bundle: one zip that lets support staff see what the doctor saw, and more.

In it: the doctor's report (text and JSON), the logs, the settings and policy files, the
sync journal (which actions wait or were refused, with ids and reasons: never quiz answers
or course content) and each database's schema version and row counts.

Nothing secret and nothing personal leaves the computer in it: every file goes through the
log redactor (tokens, passwords, codes), then the personal-data redactor (the learner's
name and e-mail as saved on this profile, any e-mail address, job-seeker identifiers,
credentials in proxy URLs, the user's home folder).

The support code names the bundle and the device: its first group is the same for every
bundle made on this computer, the second is new each time. It is short enough to read over
the phone, and uses no letter that reads like a digit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from companion import __version__
from companion.files import read_json, read_tail
from companion.logs import REDACTED, REDACTOR
from companion.services.doctor import Diagnosis
from companion.services.doctor.account import saved_account
from companion.services.doctor.report import iso_utc
from companion.services.site_accounts import kept_accounts

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I
MAX_LOG_BYTES = 4_000_000  # per file: the rotating log keeps four of about 1 MB
MAX_SETTINGS_BYTES = 1_000_000
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 7 digits and a letter; an all-digit one is caught by its key name (the log redactor)
_JOB_SEEKER_ID = re.compile(r"\b[0-9]{7}[A-Za-z]\b")
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@:]+:[^/\s@]*@")


@dataclass(frozen=True)
class Bundle:
    path: Path
    code: str


def default_folder() -> Path:
    """The Documents folder, where a learner finds a file to attach to an e-mail."""
    import platformdirs

    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def support_code(device: str, nonce: bytes | None = None) -> str:
    """DDDD-BBBBBB: four letters for this device, six for this bundle."""
    device_part = _letters(hashlib.sha256(f"companion-device:{device}".encode()).digest(), 4)
    return f"{device_part}-{_letters(nonce or os.urandom(6), 6)}"


def _letters(data: bytes, count: int) -> str:
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in data[:count])


def device_id(diagnosis: Diagnosis) -> str:
    """This computer's Companion device id, read (never created) from device.json."""
    from companion.services.device import DEVICE_FILE, machine_fingerprint

    data = read_json(diagnosis.inputs.paths.data_dir / DEVICE_FILE)
    if isinstance(data, dict) and isinstance(data.get("device_id"), str):
        return str(data["device_id"])
    return f"machine-{machine_fingerprint()[:12]}"


class PersonalData:
    """Removes what names the learner, after the log redactor has removed the secrets."""

    def __init__(self, known: Iterable[str]) -> None:
        words = {value.strip() for value in known if value and len(value.strip()) >= 3}
        self._known = sorted(words, key=len, reverse=True)
        self._home = str(Path.home())

    def redact(self, text: str) -> str:
        text = REDACTOR.redact(text)
        text = _URL_CREDENTIALS.sub(lambda m: m.group(1) + REDACTED + "@", text)
        for value in self._known:
            text = re.sub(rf"(?i)(?<!\w){re.escape(value)}(?!\w)", REDACTED, text)
        text = _EMAIL.sub(REDACTED, text)
        text = _JOB_SEEKER_ID.sub(REDACTED, text)
        if len(self._home) > 1:
            text = text.replace(self._home, "~")
        return text


def personal_data(diagnosis: Diagnosis) -> PersonalData:
    inputs = diagnosis.inputs
    known: list[str] = []
    account = saved_account(inputs)
    if account is not None:
        known += [account.name, account.email, *account.name.split()]
    for site in kept_accounts(inputs.account_dir):  # the learner's name on each site
        known += [site.name, *site.name.split()]
    last = read_json(inputs.profile_dir / "last-learner.json")
    if isinstance(last, dict) and isinstance(last.get("name"), str):
        known += [last["name"], *last["name"].split()]
    return PersonalData(known)


def write_bundle(diagnosis: Diagnosis, folder: Path) -> Bundle:
    device = device_id(diagnosis)
    code = support_code(device)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"companion-support-{code}.zip"
    cleaner = personal_data(diagnosis)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zip_:
            for name, text in _entries(diagnosis, code, device):
                zip_.writestr(name, cleaner.redact(text))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return Bundle(path, code)


def _entries(diagnosis: Diagnosis, code: str, device: str) -> Iterable[tuple[str, str]]:
    inputs = diagnosis.inputs
    report = diagnosis.report
    manifest = {
        "support_code": code,
        "device_id": device,
        "created_at": iso_utc(time.time()),
        "companion_version": __version__,
        "profile": inputs.profile,
        "healthy": report.healthy,
    }
    yield "manifest.json", _json(manifest)
    yield "doctor.txt", report.to_text()
    yield "doctor.json", report.to_json()
    yield "sync-journal.json", _json(diagnosis.journal)
    yield "databases.json", _json(diagnosis.databases)
    for name, source in (
        ("settings/settings.toml", inputs.settings.user_file),
        ("settings/policy.toml", inputs.settings.policy_file),
    ):
        text = read_tail(source, MAX_SETTINGS_BYTES) if source is not None else None
        if text is not None:
            yield name, text
    for log_file in sorted(inputs.paths.log_dir.glob("companion.log*")):
        text = read_tail(log_file, MAX_LOG_BYTES)
        if text is not None:
            yield f"logs/{log_file.name}", text


def _json(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n"
