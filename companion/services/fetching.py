"""How course files are fetched and how much room they may take: one downloader set up from
the settings (files at a time, a speed limit), for the library and the centre's prefetch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.services.connection import PlatformConnection
from companion.settings import (
    DOWNLOADS_BANDWIDTH_KBPS,
    DOWNLOADS_PARALLEL,
    STORAGE_BUDGET_MB,
    Settings,
)
from companion.store.assets import AssetStore

if TYPE_CHECKING:
    from companion.platform import Platform
    from companion.sync.client import HttpClient
    from companion.sync.downloads import Downloader


def storage_budget(settings: Settings) -> int:
    """Bytes course files may use (the learner's setting, or the centre's policy)."""
    return settings.value(STORAGE_BUDGET_MB) * 1_000_000


def configured_downloader(
    connection: PlatformConnection,
    settings: Settings,
    assets: AssetStore,
    source: tuple[HttpClient, Platform] | None = None,
) -> Downloader:
    """A downloader into ``assets`` with the parallelism and speed limit of the settings,
    from the platform (or ``source``: a site's client and the site)."""
    from companion.sync.download_pace import Throttle
    from companion.sync.downloads import Downloader

    client, platform = source or (connection.download_client(), connection.api())
    return Downloader(
        client,
        assets,
        locate=platform.asset_path,
        parallel=settings.value(DOWNLOADS_PARALLEL),
        throttle=Throttle(settings.value(DOWNLOADS_BANDWIDTH_KBPS) * 1000),
    )
