"""Whether a newer Companion exists, asked of the platform at most once a day (issue 26,
item 6), for a quiet notice in the window. Off on a kiosk (its administrators update it)
and when ``updates.check`` is false — in the learner's settings or a machine's policy.

What the last check found is kept beside the time it was made (``update-check.json`` in
the profile), so that a start without a connection still shows it, and a start on the
same day asks nothing. A failed check counts as a check: a slow line is not asked again
that day. Nothing here raises: no news is the answer to every problem, logged."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from companion import __version__
from companion.files import write_atomic
from companion.settings import UPDATES_CHECK, Settings

if TYPE_CHECKING:
    from companion.services.connection import PlatformConnection
    from companion.sync.update_check import Release

log = logging.getLogger("companion.services")

STATE_FILE = "update-check.json"
INTERVAL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class UpdateNotice:
    version: str
    size_bytes: int
    url: str


class UpdateCheck:
    def __init__(
        self,
        settings: Settings,
        state_file: Path,
        *,
        kiosk: bool,
        clock: Callable[[], float] = time.time,
        current: str = __version__,
    ) -> None:
        self.settings, self.state_file, self.kiosk = settings, state_file, kiosk
        self.clock, self.current = clock, current

    def enabled(self) -> bool:
        return not self.kiosk and self.settings.value(UPDATES_CHECK)

    def remembered(self) -> UpdateNotice | None:
        """What the last check found, while it is still newer than this version."""
        found = self._state().get("found")
        if not self.enabled() or not isinstance(found, dict):
            return None
        try:
            version, size, url = found["version"], found["size_bytes"], found["url"]
            notice = UpdateNotice(str(version), int(size), str(url))
        except (KeyError, TypeError, ValueError):
            return None
        return notice if self._newer(notice.version) else None

    def due(self) -> bool:
        checked = self._state().get("checked_at")
        elapsed = self.clock() - checked if isinstance(checked, int | float) else INTERVAL_SECONDS
        return self.enabled() and not 0 <= elapsed < INTERVAL_SECONDS

    def run(self, fetch: Callable[[], Release]) -> UpdateNotice | None:
        """Ask when due (on a worker: it waits on the network), else what is remembered."""
        if not self.due():
            return self.remembered()
        state: dict[str, object] = {"checked_at": self.clock()}
        try:
            release = fetch()
        except Exception as error:  # offline, slow, refused, not announced: no news
            log.info("update check: no answer (%s: %s)", type(error).__name__, error)
            release = None
        if release is not None and self._newer(release.version):
            notice = UpdateNotice(release.version, release.size_bytes, release.url)
            state["found"] = asdict(notice)
            log.info("update check: Companion %s is available", release.version)
        self._save(state)
        return self.remembered()

    def _newer(self, version: str) -> bool:
        return version_key(version) > version_key(self.current)

    def _state(self) -> dict[str, object]:
        try:
            loaded = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _save(self, state: dict[str, object]) -> None:
        try:
            write_atomic(self.state_file, json.dumps(state).encode())
        except OSError as error:
            log.info("update check: %s not written (%s)", self.state_file, error)


def version_key(version: str) -> tuple[int, ...]:
    """1.10 after 1.9; "0.1" and "0.1.0" equal."""
    numbers = [int(part) for part in version.split(".") if part.isdigit()]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def fetch_from(connection: PlatformConnection) -> Callable[[], Release]:
    """The platform's announcement, with this computer's network settings."""

    def fetch() -> Release:
        from companion.sync.update_check import fetch_latest

        address = connection.api().address
        return fetch_latest(connection.network_config(address))

    return fetch
