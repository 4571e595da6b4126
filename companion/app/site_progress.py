"""Progress on the courses of the learner's site accounts (a training centre's Moodle).

What a learner does on such a course belongs to that account's learner: the site's address
and their user id there, in a progress file of their own (``LearnerAreas``), and it is sent
only with that account's token, by the sync's site targets. On a kiosk, what is still
queued when the session ends is parked without any credential, like the platform's, and
queued again when the same account signs in there again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from companion.services.badges import BadgeWallet, KeptBadge
from companion.services.kiosk import KioskSessions
from companion.services.learners import LearnerAreas
from companion.services.progress import Fact, ProgressService
from companion.services.site_accounts import SiteAccount, SiteAccounts
from companion.services.site_quizzes import SiteQuizzes
from companion.sync.engine import Target

log = logging.getLogger("companion.services")


class SiteProgress:
    def __init__(
        self,
        areas: LearnerAreas,
        accounts: Callable[[], SiteAccounts],
        kiosk: Callable[[], KioskSessions],
    ) -> None:
        self.areas = areas
        self.accounts = accounts
        self.kiosk = kiosk
        self._lock = threading.Lock()
        self._open: dict[str, ProgressService] = {}

    def of_course(self, course_id: str) -> ProgressService | None:
        """The progress an action on this course goes to; None: not a site course."""
        account = self.accounts().owner_of(course_id)
        return self.of(account) if account is not None else None

    def of(self, account: SiteAccount) -> ProgressService:
        with self._lock:
            progress = self._open.get(account.key)
            if progress is None:
                folder = self.areas.folder(account.learner)
                progress = ProgressService(folder, account.user_id)
                self._open[account.key] = progress
                if self.areas.kiosk:  # queued again: what this account left at a sign-out
                    self.kiosk().unpark(account.learner, progress)
            return progress

    def by_course(self) -> dict[str, ProgressService]:
        """Each site course with the progress its actions go to (for the home view)."""
        return {c: self.of(a) for a in self.accounts().all() for c in a.courses}

    def targets(self) -> list[Target]:
        """Each signed-in site account, with its own progress: for the sync."""
        sites = self.accounts()
        return [
            Target(sites.platform(account), account.user_id, account.address, self.of(account))
            for account in sites.all()
            if sites.is_signed_in(account)
        ]

    def refused(self, target: Target) -> None:
        """The site ended this account's session (a revoked or expired token): it is
        signed out cleanly; its courses and queued actions stay for the next sign-in."""
        account = self._account_of(target)
        if account is not None:
            self.accounts().sign_out(account)

    def fetch_badges(self, target: Target) -> int:
        """At a site's sync: its new badges kept offline, every kept one checked online."""
        account = self._account_of(target)
        return self.wallet(account).refresh(target.api) if account is not None else 0

    def send_quizzes(self, target: Target) -> int:
        """At a site's sync: the quizzes answered offline go to the site, which grades them."""
        account = self._account_of(target)
        if account is None:
            return 0
        return len(SiteQuizzes(self.areas.folder(account.learner)).send(target.api))

    def wallet(self, account: SiteAccount) -> BadgeWallet:
        return BadgeWallet(self.areas.folder(account.learner) / "badges", account.site_name)

    def badges(self) -> list[KeptBadge]:
        """Every site account's badges kept here, for the wallet."""
        return [badge for a in self.accounts().all() for badge in self.wallet(a).all()]

    def facts_for_report(self, accounts: list[SiteAccount]) -> list[Fact]:
        """What the learner did on these site accounts, for the training-time attestation."""
        return [fact for a in accounts for fact in self.of(a).facts_for_report()]

    def _account_of(self, target: Target) -> SiteAccount | None:
        wanted = (target.home_page, target.learner_id)
        return next((a for a in self.accounts().all() if (a.address, a.user_id) == wanted), None)

    def park_all(self) -> None:
        """A kiosk session ends: what each site account could not send is parked."""
        with self._lock:
            opened = list(self._open.items())
        for account in self.accounts().all():
            progress = dict(opened).get(account.key)
            if progress is not None and progress.keeps_progress:
                self.kiosk().park(account.learner, progress.pending_rows())
        self.close()

    def close(self) -> None:
        with self._lock:
            opened, self._open = list(self._open.values()), {}
        for progress in opened:
            progress.close()
