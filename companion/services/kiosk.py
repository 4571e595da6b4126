"""Kiosk sessions: a learner's personal data lasts for their session only.

At sign-out (or after the idle time) everything personal is wiped: the account, progress
rows, reading positions, wallet copies, temporary files. Course files stay in the shared
cache. Progress the platform could not take before sign-out is *parked*: encrypted with a
key derived from this computer's secret and the learner's identity at the platform, in a
file whose name is a keyed hash of that identity, with no credential at all. The next
learners cannot tell whose it is nor read it; it is queued again when its learner next
signs in on this computer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from companion.files import private_folder, read_json, write_atomic, write_json_atomic
from companion.paths import Paths
from companion.services.learners import PROGRESS_FILE, Learner, LearnerAreas

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from companion.services.device import DeviceIdentity
    from companion.services.progress import ProgressService

log = logging.getLogger("companion.services")

PARKED_DIR = "parked"
SESSION_OWNER_FILE = "owner.json"  # inside the learner's session folder, wiped with it
_NONCE_BYTES = 12

Rows = list[tuple[str, str, float]]


class KioskSessions:
    def __init__(self, paths: Paths, profile_dir: Path, areas: LearnerAreas) -> None:
        self.paths = paths
        self.profile_dir = profile_dir
        self.areas = areas
        self.parked_dir = paths.data_dir / PARKED_DIR
        self._parked_now = 0  # parked since the screen last said so (take_parked)
        self._device: DeviceIdentity | None = None

    def device(self) -> DeviceIdentity:
        if self._device is None:
            from companion.services.device import load_device

            self._device = load_device(self.paths.data_dir)
        return self._device

    # --- parking ------------------------------------------------------------------------

    def park(self, learner: Learner, rows: Rows) -> int:
        """Keep what could not be sent, for this learner's next sign-in here."""
        if not rows:
            return 0
        known = {row[0]: row for row in self._read(learner)}
        known.update({row[0]: row for row in rows})
        merged = sorted(known.values(), key=lambda row: row[2])
        plain = json.dumps([list(row) for row in merged]).encode("utf-8")
        name = self._file_name(learner)
        nonce = os.urandom(_NONCE_BYTES)
        sealed = nonce + self._cipher(learner).encrypt(nonce, plain, name.encode("ascii"))
        private_folder(self.parked_dir)
        write_atomic(self.parked_dir / name, sealed)
        log.info("%d action(s) parked until their learner signs in here again", len(merged))
        self._parked_now += len(rows)
        return len(merged)

    def take_parked(self) -> int:
        """How many actions were parked since last asked: the sign-in screen tells the
        learner who just left that their unsent progress waits here (never whose)."""
        parked, self._parked_now = self._parked_now, 0
        return parked

    def unpark(self, learner: Learner, progress: ProgressService) -> int:
        """Queue again what this learner left at an earlier sign-out on this computer."""
        rows = self._read(learner)
        if not rows:
            return 0
        added = progress.requeue(rows)
        (self.parked_dir / self._file_name(learner)).unlink(missing_ok=True)
        log.info("%d parked action(s) queued again for the learner who signed in", len(rows))
        return added

    def _read(self, learner: Learner) -> Rows:
        path = self.parked_dir / self._file_name(learner)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            return []
        from cryptography.exceptions import InvalidTag

        nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        try:
            plain = self._cipher(learner).decrypt(nonce, body, path.name.encode("ascii"))
        except InvalidTag:
            # Never deleted: a support person may still recover it with the right secret.
            log.error("parked progress %s cannot be opened with this computer's key", path.name)
            return []
        return [(str(row[0]), str(row[1]), float(row[2])) for row in json.loads(plain)]

    def _file_name(self, learner: Learner) -> str:
        digest = hmac.new(self.device().secret, b"name\n" + learner.identity, hashlib.sha256)
        return digest.hexdigest()[:32] + ".parked"

    def _cipher(self, learner: Learner) -> AESGCM:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=learner.identity, info=b"companion parked"
        ).derive(self.device().secret)
        return AESGCM(key)

    # --- the session area ---------------------------------------------------------------

    def begin(self, learner: Learner) -> None:
        """Note who the session belongs to, so a session cut by a crash can be parked."""
        payload = {"issuer": learner.issuer, "subject": learner.subject}
        write_json_atomic(self.areas.folder(learner) / SESSION_OWNER_FILE, payload)

    def wipe(self, account_file: Path) -> None:
        """Remove everything personal the session left on this computer."""
        self.areas.wipe_session()
        account_file.unlink(missing_ok=True)
        for folder in (self.profile_dir / "certificates", self.paths.cache_dir / "open"):
            if folder.exists():
                shutil.rmtree(folder)
        log.info("kiosk session data wiped")

    def recover_interrupted_sessions(self, account_file: Path) -> None:
        """At start: a session a crash or a power cut left behind is parked, then wiped."""
        root = self.areas.session_root
        if root is not None and root.is_dir():
            for folder in root.iterdir():
                self._park_left_over(folder)
        self.wipe(account_file)

    def _park_left_over(self, folder: Path) -> None:
        owner = read_json(folder / SESSION_OWNER_FILE)
        if not isinstance(owner, dict) or not (folder / PROGRESS_FILE).exists():
            return
        from companion.services.progress import ProgressService

        learner = Learner(str(owner.get("issuer", "")), str(owner.get("subject", "")))
        progress = ProgressService(folder, learner.subject)
        try:
            self.park(learner, progress.pending_rows())
        finally:
            progress.close()
