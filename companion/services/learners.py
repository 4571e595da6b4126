"""Who owns what on a profile: each learner's progress lives in a folder of its own.

A profile is a folder, not a person (ARCHITECTURE, "Who owns what"): several learners may
share it, on a family computer or a kiosk. Each learner, named by the platform's issuer and
subject, has their own progress file, so no query can ever mix two learners' rows. An
action made while nobody is signed in belongs to the learner who last signed in on the
profile; on a profile where nobody has signed in yet it goes to an "unclaimed" folder and
waits for the first learner to say it is theirs. On a kiosk, learners' folders live in a
session area that is wiped at sign-out, and nobody-signed-in keeps nothing.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from companion.files import private_folder, read_json, write_json_atomic

if TYPE_CHECKING:
    from companion.services.progress import ProgressService

log = logging.getLogger("companion.services")

PROGRESS_FILE = "progress.db"  # each learner's, in their own folder (see LearnerAreas)

UNCLAIMED = "unclaimed"
LEARNERS_DIR = "learners"
LAST_LEARNER_FILE = "last-learner.json"
LEGACY_PROGRESS = "progress.db"
LEGACY_LIBRARY = "library.db"  # held the course list before learners had folders


class Learner(NamedTuple):
    """A learner as the platform knows them: issuer + subject (the name is for display)."""

    issuer: str
    subject: str
    name: str = ""

    @property
    def identity(self) -> bytes:
        """Who this is at the platform (the name aside), as bytes to hash or derive from."""
        return f"{self.issuer.rstrip('/')}\n{self.subject}".encode()

    @property
    def key(self) -> str:
        """A folder name that says nothing about the learner (no name, no subject)."""
        import hashlib  # not before the window's first paint (issue 14)

        return hashlib.sha256(self.identity).hexdigest()[:32]


def same_learner(one: Learner | None, other: Learner | None) -> bool:
    """The same learner, or nobody both times (names may differ: a renamed account)."""
    return (one.key if one else None) == (other.key if other else None)


class LearnerAreas:
    """Where each learner's data lives for one profile.

    ``session_root`` is set on a kiosk: learners' folders go there, and the whole area is
    wiped at sign-out."""

    def __init__(self, profile_dir: Path, session_root: Path | None = None) -> None:
        self.profile_dir = profile_dir
        self.session_root = session_root

    @property
    def kiosk(self) -> bool:
        return self.session_root is not None

    def folder(self, learner: Learner | None) -> Path:
        root = self.session_root or self.profile_dir / LEARNERS_DIR
        return root / (learner.key if learner else UNCLAIMED)

    def unclaimed_folder(self) -> Path:
        return self.profile_dir / LEARNERS_DIR / UNCLAIMED

    # --- the learner who last signed in (home profiles only) ----------------------------

    def last_learner(self) -> Learner | None:
        if self.kiosk:
            return None  # on a kiosk, nobody-signed-in is nobody
        data = read_json(self.profile_dir / LAST_LEARNER_FILE)
        if not isinstance(data, dict):
            return None
        issuer, subject = data.get("issuer"), data.get("subject")
        if not isinstance(issuer, str) or not isinstance(subject, str) or not subject:
            return None
        name = data.get("name")
        return Learner(issuer, subject, name if isinstance(name, str) else "")

    def remember_last(self, learner: Learner) -> None:
        if self.kiosk:
            return
        payload = {"issuer": learner.issuer, "subject": learner.subject, "name": learner.name}
        write_json_atomic(self.profile_dir / LAST_LEARNER_FILE, payload)

    def wipe_session(self) -> None:
        """Remove every learner's folder from the kiosk session area."""
        if self.session_root is not None and self.session_root.exists():
            shutil.rmtree(self.session_root)

    # --- progress written before learners had folders of their own ----------------------

    def adopt_legacy(self, owner: Learner | None, issuer: str) -> None:
        """Move a profile-wide progress file (earlier releases) to its owner's folder.

        Its owner is the learner whose account was saved on the profile; without one it is
        unclaimed. Queued statements the outbox tagged with another learner (releases that
        knew who made each action) go to that learner's own folder."""
        legacy = self.profile_dir / LEGACY_PROGRESS
        if not legacy.exists():
            return
        target = self.folder(owner)
        private_folder(target)
        if (target / PROGRESS_FILE).exists():
            log.warning("legacy progress file left in place: %s already has one", target)
            return
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{legacy}{suffix}")
            if part.exists():
                part.replace(target / f"{PROGRESS_FILE}{suffix}")
        # Here, not at the top: this module is read before the window's first paint, the
        # progress package is not (and it imports PROGRESS_FILE from here).
        from companion.services.progress import ProgressService

        mine = ProgressService(target, owner.subject if owner else None)
        try:
            self._adopt_course_list(mine)
            self._split_others(mine, owner, issuer)
        finally:
            mine.close()
        log.info("progress of this profile moved to its owner's folder")

    def _adopt_course_list(self, mine: ProgressService) -> None:
        """The course list was kept in the profile's library.db: it goes with the progress."""
        library = self.profile_dir / LEGACY_LIBRARY
        if library.exists():
            mine.courses.adopt_legacy_list(library)

    def _split_others(self, mine: ProgressService, owner: Learner | None, issuer: str) -> None:
        from companion.services.progress import ProgressService  # as in adopt_legacy

        for subject in mine.outbox.other_learners(owner.subject if owner else ""):
            rows = mine.outbox.rows_of(subject)
            theirs = ProgressService(self.folder(Learner(issuer, subject)), subject)
            try:
                theirs.requeue(rows)
            finally:
                theirs.close()
            mine.outbox.hand_over(subject, [row[0] for row in rows])
