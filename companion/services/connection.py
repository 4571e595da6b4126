"""Which platform the app talks to: the configured one, or a sandbox in demo mode."""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from companion.errors import UserFacingError
from companion.i18n import _
from companion.paths import Paths
from companion.settings import (
    NETWORK_CA_BUNDLE,
    NETWORK_PROXY,
    NETWORK_RETRIES,
    NETWORK_TIMEOUT_SECONDS,
    PLATFORM_API_URL,
    PLATFORM_ISSUER,
    Settings,
)

if TYPE_CHECKING:
    from companion.platform import Platform
    from companion.services.demo_platform import DemoPlatform
    from companion.sync.client import HttpClient, NetworkConfig

DEMO_ISSUER = "companion:demo-platform"
DEMO_STATE_FOLDER = "demo-platform"  # in the profile: what the demo platform remembers

log = logging.getLogger("companion.services")


class PlatformConnection:
    """Lazily opens the platform; in demo mode starts the demo platform's process.

    ``api()`` may block (starting the sandbox, building its content): call it from a
    worker, never from the GUI thread.
    """

    def __init__(self, settings: Settings, paths: Paths, demo_state_dir: Path) -> None:
        self.settings = settings
        self.paths = paths
        self._lock = threading.Lock()
        self._api: Platform | None = None
        self._client: HttpClient | None = None
        self._downloads: HttpClient | None = None
        self._demo_state_dir = demo_state_dir
        self._demo: DemoPlatform | None = None
        self._demo_lock = threading.Lock()  # one demo process, whichever thread asks first

    def warm_up(self) -> None:
        """In demo mode, start the demo platform now: it gets ready while the window is
        made, on the other core."""
        if self.demo is not None:
            self.demo.spawn()

    @property
    def demo(self) -> DemoPlatform | None:
        """The demo platform's process while no platform is configured, else None (the
        learner may choose one on the first-run welcome)."""
        if not self.is_demo:
            return None
        with self._demo_lock:
            if self._demo is None:  # imported only now: subprocess is not needed otherwise
                from companion.services.demo_platform import DemoPlatform

                log_file = self.paths.log_dir / "demo-platform.log"
                self._demo = DemoPlatform(self._demo_state_dir, log_file)
            return self._demo

    @property
    def is_demo(self) -> bool:
        return not self.settings.value(PLATFORM_API_URL).strip()

    def api(self) -> Platform:
        """The platform, as the interface every kind implements (``companion.platform``)."""
        with self._lock:
            if self._api is None:
                # Imported here, on a worker: the HTTP stack is the slowest import of all,
                # and the window can paint the saved catalogue without it.
                from companion.sync.client import HttpClient
                from companion.sync.kinds import open_platform

                self._client = HttpClient(self.network_config(self._base_url()))
                self._api = open_platform(self._client)
            return self._api

    def http_client(self) -> HttpClient:
        """The platform's HTTP client (its sign-in speaks to the same address)."""
        self.api()
        assert self._client is not None
        return self._client

    def download_client(self) -> HttpClient:
        """A client without transport-level retries: the downloader resumes by itself.
        One per connection, so its connection pool is reused and closed with it."""
        from companion.sync.client import HttpClient

        base = self.api().address
        with self._lock:
            if self._downloads is None:
                self._downloads = HttpClient(
                    dataclasses.replace(self.network_config(base), retries=0)
                )
            return self._downloads

    def issuer(self) -> str:
        """The OpenID provider: configured apart from the API, or the API's own address."""
        configured = self.settings.value(PLATFORM_ISSUER).strip()
        if configured:
            return configured
        with self._lock:
            if self._api is not None:
                return self._api.address
        # The API client's own address, without making the client: the HTTP stack is not
        # needed to name the learner whose home view paints first (issue 14).
        return self._base_url().rstrip("/")

    def learner_issuer(self) -> str:
        """The issuer that, with the subject, names a learner for ownership. The demo
        platform listens on a new port at each start: it is named by what it is instead, so
        a demo learner's progress stays theirs across restarts."""
        return DEMO_ISSUER if self.is_demo else self.issuer().rstrip("/")

    def _base_url(self) -> str:
        demo = self.demo
        if demo is None:
            return self.settings.value(PLATFORM_API_URL)
        if importlib.util.find_spec("flask") is None:
            raise UserFacingError(
                _("No platform is configured and the demo platform is not installed."),
                _(
                    "Set the platform address (platform.api_url), or install Companion again:"
                    " its demo platform is missing."
                ),
            )
        return demo.url()

    def network_config(self, base_url: str) -> NetworkConfig:
        """How to reach ``base_url`` with this computer's network settings."""
        from companion.sync.client import NetworkConfig

        return NetworkConfig(
            base_url=base_url,
            timeout_seconds=self.settings.value(NETWORK_TIMEOUT_SECONDS),
            retries=self.settings.value(NETWORK_RETRIES),
            proxy=self.settings.value(NETWORK_PROXY),
            ca_bundle=self.settings.value(NETWORK_CA_BUNDLE),
        )

    def close(self) -> None:
        with self._lock:
            for client in (self._client, self._downloads):
                if client is not None:
                    client.close()
            self._api = self._client = self._downloads = None
        with self._demo_lock:
            demo, self._demo = self._demo, None
        if demo is not None:  # stopped even when a platform was chosen since
            demo.stop()
