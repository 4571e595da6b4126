"""Everything a front end (GUI or CLI) needs, built once per process from settings."""

from __future__ import annotations

from dataclasses import dataclass

from companion import i18n, logs
from companion.paths import DEFAULT_PROFILE, Paths, check_profile_name
from companion.services.account import AccountService
from companion.services.catalog import CatalogService
from companion.services.connection import PlatformConnection
from companion.settings import Settings


@dataclass
class AppContext:
    paths: Paths
    settings: Settings
    profile: str
    connection: PlatformConnection
    catalog: CatalogService
    account: AccountService

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
        self.connection.close()
