"""Everything a front end (GUI or CLI) needs, built once per process from settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from companion import i18n, logs
from companion.app.startup import log_start, or_none
from companion.i18n import _
from companion.paths import DEFAULT_PROFILE, Paths, check_profile_name, kiosk_session_root
from companion.resources import resource
from companion.services.account import AccountService
from companion.services.catalog import CatalogResult, CatalogService
from companion.services.connection import DEMO_STATE_FOLDER, PlatformConnection
from companion.services.learners import (
    LEGACY_PROGRESS,
    PROGRESS_FILE,
    Learner,
    LearnerAreas,
    same_learner,
)
from companion.settings import (
    LOG_LEVEL,
    STORAGE_SHARED_CACHE_DIR,
    SYNC_INTERVAL_MINUTES,
    SYNC_LRS_URL,
    UI_LANGUAGE,
    Settings,
)
from companion.store import instance

if TYPE_CHECKING:  # opened on first use, on a worker: SQLite files are I/O
    from companion.app.site_progress import SiteProgress
    from companion.domain import Account
    from companion.services.attestation import Report
    from companion.services.certificates import Certificate, CertificateService
    from companion.services.doctor import Diagnosis
    from companion.services.home import CourseCard
    from companion.services.kiosk import KioskSessions
    from companion.services.library import LibraryService
    from companion.services.progress import ProgressService
    from companion.services.site_accounts import SiteAccounts
    from companion.services.unclaimed import UnclaimedActions
    from companion.sync.engine import SyncEngine, Target
    from companion.sync.oidc_session import AuthSession
    from companion.sync_status import SyncStatus

T = TypeVar("T")

QUIT_FLUSH_SECONDS = 2.0  # how long quitting may wait for a last push

log = logs.get("services")


class Ownership(NamedTuple):
    """Whose progress is kept now, for the window to say so."""

    signed_in: bool
    owner_name: str | None  # the learner who owns actions made now; None: nobody yet
    kiosk: bool


class FirstView(NamedTuple):
    """What the window's first paint shows, read from small files before the window exists
    (``AppContext.first_view``); None where a part could not be read."""

    catalog: CatalogResult | None
    home: list[CourseCard] | None
    ownership: Ownership | None


@dataclass
class AppContext:
    paths: Paths
    settings: Settings
    profile: str
    connection: PlatformConnection
    catalog: CatalogService
    account: AccountService
    areas: LearnerAreas
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _library: LibraryService | None = None
    _progress: ProgressService | None = None
    _owner: Learner | None = None  # whose progress is kept now (None: nobody's yet)
    sync: SyncEngine | None = None
    _certificates: CertificateService | None = None
    # Told (on the thread that made the change) when progress changes hands.
    owner_listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _kiosk: KioskSessions | None = None
    _claim: instance.ProfileClaim | None = field(default=None, repr=False)
    _sites: SiteAccounts | None = None
    _sites_progress: SiteProgress | None = None

    @property
    def profile_dir(self) -> Path:
        return self.paths.profile_dir(self.profile)

    def library(self) -> LibraryService:
        with self._lock:
            if self._library is None:
                from companion.services.library import LibraryService

                self._library = LibraryService(
                    self.connection,
                    self.settings,
                    self.profile,
                    self.profile_dir,
                    self.shared_assets_dir,
                    session=self._signed_in_session,
                    learner_data=self.progress,
                    assets_shared=self.assets_shared,
                    sites=self.site_accounts(),
                )
            return self._library

    def progress_for(self, course_id: str) -> ProgressService:
        """Where an action on this course is kept: a site course's goes to that account's
        learner, any other course's to whoever owns actions now (``progress``)."""
        return self.site_progress().of_course(course_id) or self.progress()

    def site_progress(self) -> SiteProgress:
        with self._lock:
            if self._sites_progress is None:
                from companion.app.site_progress import SiteProgress  # SQLite: not at start

                self._sites_progress = SiteProgress(self.areas, self.site_accounts, self.kiosk)
            return self._sites_progress

    def site_accounts(self) -> SiteAccounts:
        """The learner's accounts on other sites (a training centre's Moodle): kept with
        the platform account, so a kiosk session's go with it."""
        with self._lock:
            if self._sites is None:
                from companion.services.site_accounts import SiteAccounts  # HTTP: not at start

                folder = self.account.account_file.parent
                self._sites = SiteAccounts(
                    folder,
                    self.profile,
                    self.connection.network_config,
                    kiosk=self.areas.kiosk,
                    learner_folder=self.areas.folder,
                )
            return self._sites

    def _signed_in_session(self) -> AuthSession | None:
        return self.account.session() if self.account.is_signed_in() else None

    @property
    def shared_assets_dir(self) -> Path:
        """Course files, the same bytes for everyone: machine-wide when policy says where."""
        return self.paths.course_files_dir(self.settings.value(STORAGE_SHARED_CACHE_DIR))

    @property
    def assets_shared(self) -> bool:
        """Course files in a machine-wide folder (policy): its permissions are not ours."""
        return bool(self.settings.value(STORAGE_SHARED_CACHE_DIR).strip())

    # --- whose progress ----------------------------------------------------------------

    def progress(self) -> ProgressService:
        """The progress of whoever owns actions now: the signed-in learner, else the one
        who last signed in on this profile, else nobody yet (unclaimed; on a kiosk,
        nothing is kept)."""
        with self._lock:
            if self._progress is None:
                self._open_progress(self._initial_owner())
            assert self._progress is not None
            return self._progress

    def first_view(self) -> FirstView:
        """Read on a plain thread while the window is made, so its first paint shows them:
        the saved catalogue, the home view's saved cards, whose progress is kept. No
        database is opened and no HTTP stack imported for them."""
        return FirstView(
            or_none(self.catalog.cached, "saved catalogue"),
            or_none(self.saved_home, "saved home view"),
            or_none(self.ownership, "ownership"),
        )

    def saved_home(self) -> list[CourseCard] | None:
        """The home view's cards as the learner who owns actions now last saw them, read
        without opening their progress file: the window paints them at once, and reads
        them anew from that file right after. Only that learner's own folder is read."""
        owner = self._owner_now()
        if owner is None and self.areas.kiosk:
            return None  # as in _open_progress: nothing is kept for nobody on a kiosk
        folder = self.areas.folder(owner)
        if not (folder / PROGRESS_FILE).exists():
            return []  # nothing kept for this learner here yet: no course (a first start)
        from companion.services.home import load_snapshot

        return load_snapshot(folder)

    def is_current(self, progress: ProgressService) -> bool:
        """Whether ``progress`` is still the one in use, without opening anything: the GUI
        thread checks an answer read on a worker before showing it (a learner may have
        left meanwhile, and on a kiosk nothing of theirs may reach the next one)."""
        return progress is self._progress

    def owner(self) -> Learner | None:
        self.progress()
        return self._owner

    def _owner_now(self) -> Learner | None:
        """Who owns actions now, without opening the progress file: who it is (or will
        be) opened for."""
        with self._lock:
            return self._owner if self._progress is not None else self._initial_owner()

    def ownership(self) -> Ownership:
        owner = self._owner_now()
        signed_in = self.account.saved_account() is not None
        name = (owner.name or "?") if owner is not None else None
        return Ownership(signed_in, name, self.areas.kiosk)

    def learner_for(self, account: Account) -> Learner:
        return Learner(self.connection.learner_issuer(), account.id, account.name)

    def _initial_owner(self) -> Learner | None:
        saved = self.account.saved_account()
        if saved is not None:
            return self.learner_for(saved)
        return self.areas.last_learner()

    def _open_progress(self, owner: Learner | None) -> None:
        from companion.services.progress import ProgressService

        if owner is None and self.areas.kiosk:
            progress = ProgressService(None)  # studying without signing in keeps nothing
        else:
            progress = ProgressService(self.areas.folder(owner), owner.subject if owner else None)
        if self.sync is not None:
            progress.listeners.append(self.sync.changed)
        self._progress, self._owner = progress, owner
        log.info("progress kept %s", "for a learner" if owner else "for nobody yet")

    def switch_owner(self, owner: Learner | None) -> None:
        """Progress changes hands (sign-in, kiosk sign-out): nothing moves between learners,
        each one's actions stay in their own file. On a kiosk, nobody after nobody is a new
        person too: the in-memory progress of the one who walked away is dropped."""
        with self._lock:
            anonymous_kiosk = owner is None and self.areas.kiosk
            if (
                self._progress is not None
                and same_learner(owner, self._owner)
                and not anonymous_kiosk
            ):
                self._owner = owner  # same learner; the name may have changed
                return
            old, self._progress = self._progress, None
            self._certificates = None
            if old is not None:
                old.close()
            self._open_progress(owner)
        for listener in list(self.owner_listeners):
            listener()
        if self.sync is not None:
            self.sync.changed()

    def kiosk(self) -> KioskSessions:
        with self._lock:
            if self._kiosk is None:
                from companion.services.kiosk import KioskSessions

                self._kiosk = KioskSessions(self.paths, self.profile_dir, self.areas)
            return self._kiosk

    def signed_in(self, account: Account) -> int:
        """A learner signed in: their progress is kept from now on. On a kiosk, what they
        left queued at an earlier sign-out is queued again. Returns how many actions made
        before anyone signed in on this profile wait to be claimed (0: none to ask about)."""
        learner = self.learner_for(account)
        self.areas.remember_last(learner)
        self.switch_owner(learner)
        logs.get("auth").info("signed in: %s; progress kept for them", self._named(account))
        if self.areas.kiosk:
            self.kiosk().begin(learner)
            self.kiosk().unpark(learner, self.progress())
            return 0
        return self.unclaimed_count()

    def _named(self, account: Account | None) -> str:
        """Who, for the log: the platform account id at home; on a kiosk nobody's id stays
        behind once they leave, the log included."""
        if self.areas.kiosk:
            return "a kiosk learner"
        return f"account {account.id}" if account is not None else "account ?"

    def _unclaimed(self) -> UnclaimedActions:
        from companion.services.unclaimed import UnclaimedActions  # opens SQLite: not at start

        return UnclaimedActions(self.areas)

    def unclaimed_count(self) -> int:
        """How many actions made before anyone signed in to ask the owner about."""
        return self._unclaimed().waiting_for(self._owner)

    def declined_claim(self, owner: Learner) -> bool:
        return self._unclaimed().declined_by(owner)

    def claim_unclaimed(self, mine: bool) -> int:
        """The learner said whether the actions made before anyone signed in are theirs."""
        return self._unclaimed().settle(self._owner, self.progress(), mine)

    def sign_out(self) -> None:
        """Send what waits, revoke the tokens, forget the account. On a kiosk, what could
        not be sent is parked without any credential, and the learner's data is wiped."""
        if self.account.is_signed_in():  # push while the tokens are still good
            (self.sync or self._new_engine(lambda _status: None)).run_once()
        owner = self._owner if self.areas.kiosk else None
        saved = self.account.saved_account()
        try:
            self.account.sign_out()
        finally:
            if self.areas.kiosk:
                self.end_kiosk_session(owner)
        logs.get("auth").info("signed out: %s", self._named(saved))

    def end_kiosk_session(self, owner: Learner | None) -> None:
        """Park what is still queued, then wipe every personal file of the session."""
        with self._lock:
            progress = self._progress
            if owner is not None and progress is not None and progress.keeps_progress:
                self.kiosk().park(owner, progress.pending_rows())
            if self._sites_progress is not None:
                self._sites_progress.park_all()
            if self._sites is not None:  # nobody's token stays in memory for the next one
                self._sites.forget_tokens()
            self.switch_owner(None)
            self.kiosk().wipe(self.account.account_file)

    def start_sync(self, listener: Callable[[SyncStatus], None]) -> SyncEngine:
        """Start the background sync of progress (call from a worker: it opens files and
        imports the HTTP stack). Every saved action then wakes it."""
        with self._lock:
            progress = self.progress()
            if self.sync is None:
                self.sync = self._new_engine(listener)
                progress.listeners.append(self.sync.changed)
                self.sync.start()
            return self.sync

    def certificates(self) -> CertificateService:
        progress = self.progress()
        with self._lock:
            if self._certificates is None:
                from companion.services.certificates import CertificateService

                folder = (progress.folder or self.profile_dir) / "certificates"
                self._certificates = CertificateService(progress.db, folder)
            return self._certificates

    def my_certificates(self) -> list[Certificate]:
        """The certificates kept here, verified offline for the learner last signed in."""
        account = self.account.saved_account()
        issuer = self.connection.api().address
        return self.certificates().certificates(issuer, account.id if account else "")

    def unannounced_certificates(self) -> list[str]:
        """The titles of this learner's certificates they have not been told about yet
        (the wallet tells them, and only then are they known)."""
        certificates = self.my_certificates()
        new = set(self.certificates().not_announced([c.id for c in certificates]))
        return [c.achievement for c in certificates if c.id in new]

    def attestation(self) -> Report:
        """The training-time report, from what this computer knows (every device's sync),
        on every account: the platform's and each training centre's site."""
        from companion.services.attestation import build

        account = self.account.saved_account()
        names = [f"{account.name} ({account.email})"] if account else []
        kept = self.site_accounts().all()  # the accounts file, read once for all three
        names += [site.describe() for site in kept]
        facts = self.progress().facts_for_report() + self.site_progress().facts_for_report(kept)
        sites = {site.address: site.site_name for site in kept}
        return build(facts, "; ".join(names) or _("not signed in"), date.today(), sites)

    def _fetch_certificates(self, target: Target) -> None:
        from companion.services.certificate_fetch import fetch_certificates

        fetch_certificates(self.certificates(), target.api)

    def diagnosis(self, qt_version: str = "") -> Diagnosis:
        """The doctor's report from inside the running app (the Diagnostic window)."""
        from companion.app.diagnosis import diagnose_running

        return diagnose_running(self, qt_version)

    def sync_once(self) -> SyncStatus:
        """One complete sync on this thread, for the command line (no engine running)."""
        return self._new_engine(lambda _status: None).run_once()

    def _new_engine(self, listener: Callable[[SyncStatus], None]) -> SyncEngine:
        """What a sync does for this profile: push, pull, then fetch certificates, for the
        signed-in learner with their own progress."""
        from companion.sync.engine import SyncEngine

        minutes = self.settings.value(SYNC_INTERVAL_MINUTES)
        return SyncEngine(
            self.progress,
            self._sync_target,
            listener,
            period=minutes * 60,
            steps=[self._fetch_certificates],
            site_targets=lambda: self.site_progress().targets(),
            site_refused=lambda target: self.site_progress().refused(target),
            site_steps=[
                lambda target: self.site_progress().fetch_badges(target),
                lambda target: self.site_progress().send_quizzes(target),
            ],
        )

    def _sync_target(self) -> Target | None:
        """The signed-in learner, their own progress and the platform; None when nobody is
        signed in: progress then waits, queued, in its owner's file."""
        from companion.sync.engine import Target

        if not self.account.is_signed_in():
            return None
        account = self.account.saved_account() or self.account.refresh_account()
        self.switch_owner(self.learner_for(account))  # a no-op for the same learner
        api = self.connection.api().with_auth(self.account.session())
        configured = self.settings.value(SYNC_LRS_URL).strip()
        api = api.with_lrs(configured or account.xapi_endpoint)
        return Target(api, account.id, self.connection.issuer(), self.progress())

    @classmethod
    def create(
        cls,
        profile: str = DEFAULT_PROFILE,
        *,
        console_log: bool = False,
        read_only: bool = False,
        create_profile: bool = True,
        hold_log: bool = False,
    ) -> AppContext:
        """Open ``profile``, held by this process against other Companion processes
        (``store.instance``). ``read_only``: the caller only reads the profile (or writes
        nothing but atomically replaced caches) and may run beside the window.
        ``create_profile``: False when a profile that does not exist is an error.
        ``hold_log``: log records are kept in memory until ``logs.release`` is called (the
        window does, after its first paint); an error is written at once."""
        paths = Paths.default()
        i18n.install(UI_LANGUAGE.default)  # a broken policy is refused in French too
        settings = Settings(paths.settings_file, paths.policy_file)
        i18n.install(settings.value(UI_LANGUAGE))  # first: a refusal below is translated
        paths.ensure()
        logs.setup(paths.log_dir, settings.value(LOG_LEVEL), console=console_log)
        if hold_log:
            logs.hold()
        log_start(settings, profile, read_only)
        profile_dir = paths.open_profile(check_profile_name(profile), create=create_profile)
        claim = None if read_only else instance.claim(profile_dir, profile)
        connection = PlatformConnection(settings, paths, profile_dir / DEMO_STATE_FOLDER)
        first_copy = resource("demo_catalog.json") if connection.is_demo else None
        catalog = CatalogService(connection, profile_dir / "catalog.json", first_copy)
        session_root = kiosk_session_root(paths) if settings.kiosk else None
        areas = LearnerAreas(profile_dir, session_root)
        account_dir = session_root if session_root is not None else profile_dir
        account = AccountService(connection, settings, profile, account_dir)
        context = cls(paths, settings, profile, connection, catalog, account, areas, _claim=claim)
        account.signed_in_listeners.append(context.signed_in)
        if not read_only:  # a kiosk's wipe must never come from `sync --status` beside it
            context.prepare_learner_data()
        return context

    def prepare_learner_data(self) -> None:
        """Before anything reads progress: a kiosk starts with nobody's data (a session
        cut by a crash or a power cut is parked and wiped now); a profile from an earlier
        release gets its progress file moved to its owner's folder."""
        if self.areas.kiosk:
            self.kiosk().recover_interrupted_sessions(self.account.account_file)
        elif (self.profile_dir / LEGACY_PROGRESS).exists():
            saved = self.account.saved_account()
            owner = self.learner_for(saved) if saved else None
            self.areas.adopt_legacy(owner, self.connection.learner_issuer())

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop(flush_seconds=QUIT_FLUSH_SECONDS)
            waiting = self.progress().pending_count()
            logs.get("sync").info("closing: %d action(s) still waiting to be sent", waiting)
        if self.areas.kiosk and self._owner is not None:
            self.end_kiosk_session(self._owner)  # quitting ends a kiosk session too
        with self._lock:
            for service in (self._library, self._progress, self._sites_progress, self._sites):
                if service is not None:
                    service.close()
            self._library = self._progress = self.sync = self._certificates = None
            self._sites = self._sites_progress = None
        self.connection.close()
        if self._claim is not None:
            self._claim.release()
