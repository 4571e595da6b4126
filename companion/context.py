"""Everything a front end (GUI or CLI) needs, built once per process from settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from companion import i18n, logs
from companion.i18n import _
from companion.paths import DEFAULT_PROFILE, Paths, check_profile_name
from companion.services.account import AccountService
from companion.services.catalog import CatalogService
from companion.services.connection import PlatformConnection
from companion.settings import Settings
from companion.store import instance

if TYPE_CHECKING:  # opened on first use, on a worker: SQLite files are I/O
    from companion.auth.session import AuthSession
    from companion.services.attestation import Report
    from companion.services.certificates import Certificate, CertificateService
    from companion.services.library import LibraryService
    from companion.services.progress import ProgressService
    from companion.sync.engine import SyncEngine, Target
    from companion.sync_status import SyncStatus

QUIT_FLUSH_SECONDS = 2.0  # how long quitting may wait for a last push


@dataclass
class AppContext:
    paths: Paths
    settings: Settings
    profile: str
    connection: PlatformConnection
    catalog: CatalogService
    account: AccountService
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _library: LibraryService | None = None
    _progress: ProgressService | None = None
    sync: SyncEngine | None = None
    _certificates: CertificateService | None = None
    _claim: instance.ProfileClaim | None = field(default=None, repr=False)

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
                    self.paths.shared_assets_dir,
                    session=self._signed_in_session,
                )
            return self._library

    def _signed_in_session(self) -> AuthSession | None:
        return self.account.session() if self.account.is_signed_in() else None

    def progress(self) -> ProgressService:
        with self._lock:
            if self._progress is None:
                from companion.services.progress import ProgressService

                self._progress = ProgressService(self.profile_dir)
                saved = self.account.saved_account()
                self._progress.learner = saved.id if saved else None
            return self._progress

    def start_sync(self, listener: Callable[[SyncStatus], None]) -> SyncEngine:
        """Start the background sync of progress (call from a worker: it opens files and
        imports the HTTP stack). Every saved action then wakes it."""
        progress = self.progress()
        with self._lock:
            if self.sync is None:
                self.sync = self._new_engine(progress, listener)
                progress.listeners.append(self.sync.changed)
                self.sync.start()
            return self.sync

    def certificates(self) -> CertificateService:
        progress = self.progress()
        with self._lock:
            if self._certificates is None:
                from companion.services.certificates import CertificateService

                folder = self.profile_dir / "certificates"
                self._certificates = CertificateService(progress.db, folder)
            return self._certificates

    def my_certificates(self) -> list[Certificate]:
        """The certificates kept here, verified offline for the learner last signed in."""
        account = self.account.saved_account()
        issuer = self.connection.api().client.base_url
        return self.certificates().certificates(issuer, account.id if account else "")

    def attestation(self) -> Report:
        """The training-time report, from what this computer knows (every device's sync)."""
        from companion.services.attestation import build

        account = self.account.saved_account()
        learner = f"{account.name} ({account.email})" if account else _("not signed in")
        return build(self.progress().facts_for_report(), learner, date.today())

    def _fetch_certificates(self, target: Target) -> None:
        from companion.sync.certificates import fetch_certificates

        fetch_certificates(self.certificates(), target.api)

    def sync_once(self) -> SyncStatus:
        """One complete sync on this thread, for the command line (no engine running)."""
        return self._new_engine(self.progress(), lambda _status: None).run_once()

    def _new_engine(
        self, progress: ProgressService, listener: Callable[[SyncStatus], None]
    ) -> SyncEngine:
        """What a sync does for this profile: push, pull, then fetch certificates. (Given
        ``progress``: the caller may hold the lock ``progress()`` takes.)"""
        from companion.sync.engine import SyncEngine

        minutes = int(self.settings.get("sync.interval_minutes"))
        return SyncEngine(
            progress,
            self._sync_target,
            listener,
            period=minutes * 60,
            steps=[self._fetch_certificates],
        )

    def _sync_target(self) -> Target | None:
        """The signed-in learner and the platform, or None: progress then waits, queued."""
        from companion.sync.engine import Target

        if not self.account.is_signed_in():
            self.progress().learner = None  # actions from now on are nobody's yet
            return None
        account = self.account.saved_account() or self.account.refresh_account()
        self.progress().learner = account.id
        api = self.connection.api().with_auth(self.account.session())
        return Target(api, account.id, self.connection.issuer())

    @classmethod
    def create(
        cls, profile: str = DEFAULT_PROFILE, *, console_log: bool = False, read_only: bool = False
    ) -> AppContext:
        """Open ``profile``, held by this process against other Companion processes
        (``store.instance``). ``read_only``: the caller only reads the profile (or writes
        nothing but atomically replaced caches) and may run beside the window."""
        paths = Paths.default()
        paths.ensure()
        settings = Settings(paths.settings_file, paths.policy_file)
        logs.setup(paths.log_dir, str(settings.get("log.level")), console=console_log)
        i18n.install(str(settings.get("ui.language")))
        profile_dir = paths.profile_dir(check_profile_name(profile))
        profile_dir.mkdir(parents=True, exist_ok=True)
        claim = None if read_only else instance.claim(profile_dir, profile)
        connection = PlatformConnection(settings, paths)
        catalog = CatalogService(connection, profile_dir / "catalog.json")
        account = AccountService(connection, settings, profile, profile_dir)
        return cls(paths, settings, profile, connection, catalog, account, _claim=claim)

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop(flush_seconds=QUIT_FLUSH_SECONDS)
            waiting = self.progress().pending_count()
            logs.get("sync").info("closing: %d action(s) still waiting to be sent", waiting)
        with self._lock:
            for service in (self._library, self._progress):
                if service is not None:
                    service.close()
            self._library = self._progress = self.sync = self._certificates = None
        self.connection.close()
        if self._claim is not None:
            self._claim.release()
