"""Actions made on a profile before anyone signed in: they wait, unclaimed, until a learner
says they are theirs. They never move to whoever signs in next on their own (ARCHITECTURE,
"Who owns what"); a learner who says no is not asked again."""

from __future__ import annotations

import logging
import shutil

from companion.files import write_atomic
from companion.services.learners import Learner, LearnerAreas
from companion.services.progress import ProgressService

log = logging.getLogger("companion.services")


class UnclaimedActions:
    def __init__(self, areas: LearnerAreas) -> None:
        self.areas = areas

    def waiting_for(self, owner: Learner | None) -> int:
        """How many unclaimed actions to ask ``owner`` about (0: none, or already asked)."""
        folder = self.areas.unclaimed_folder()
        if owner is None or not folder.is_dir() or self.declined_by(owner):
            return 0
        unclaimed = ProgressService(folder)
        try:
            return unclaimed.pending_count()
        finally:
            unclaimed.close()

    def declined_by(self, owner: Learner) -> bool:
        return (self.areas.unclaimed_folder() / f"declined-{owner.key}").exists()

    def settle(self, owner: Learner | None, progress: ProgressService, mine: bool) -> int:
        """The learner said whether the actions are theirs. Yes: they join ``progress``
        (the learner's own). No: they keep waiting, and this learner is not asked again.
        Returns how many became theirs."""
        folder = self.areas.unclaimed_folder()
        if owner is None or not folder.is_dir():
            return 0
        if not mine:
            write_atomic(folder / f"declined-{owner.key}", b"")
            return 0
        unclaimed = ProgressService(folder)
        try:
            claimed = progress.claim(unclaimed)
        finally:
            unclaimed.close()
        shutil.rmtree(folder)
        log.info("%d action(s) made before any sign-in claimed", claimed)
        return claimed
