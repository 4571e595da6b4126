"""Everything a front end (GUI or CLI) needs, built once per process from settings."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from companion import i18n, logs
from companion.paths import DEFAULT_PROFILE, Paths, check_profile_name
from companion.services.account import AccountService
from companion.services.catalog import CatalogService
from companion.services.connection import PlatformConnection
from companion.settings import Settings

if TYPE_CHECKING:  # opened on first use, on a worker: SQLite files are I/O
    from companion.auth.session import AuthSession
    from companion.services.library import LibraryService
    from companion.services.progress import ProgressService


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
            return self._progress

    @classmethod
    def create(cls, profile: str = DEFAULT_PROFILE, *, console_log: bool = False) -> AppContext:
        paths = Paths.default()
        paths.ensure()
        settings = Settings(paths.settings_file, paths.policy_file)
        logs.setup(paths.log_dir, str(settings.get("log.level")), console=console_log)
        i18n.install(str(settings.get("ui.language")))
        profile_dir = paths.profile_dir(check_profile_name(profile))
        profile_dir.mkdir(parents=True, exist_ok=True)
        connection = PlatformConnection(settings, paths)
        catalog = CatalogService(connection, profile_dir / "catalog.json")
        account = AccountService(connection, settings, profile, profile_dir)
        return cls(paths, settings, profile, connection, catalog, account)

    def close(self) -> None:
        with self._lock:
            for service in (self._library, self._progress):
                if service is not None:
                    service.close()
            self._library = self._progress = None
        self.connection.close()
