"""The system says when the network comes and goes: the sync and the catalogue follow at
once (through the event hub), instead of waiting for the next probe."""

from __future__ import annotations

import logging
from typing import Any

from companion.ui import qt
from companion.ui.events import EventHub
from companion.ui.qt import QObject

log = logging.getLogger("companion.ui")


class NetworkWatcher(QObject):
    def __init__(self, parent: QObject, events: EventHub) -> None:
        super().__init__(parent)
        self.events = events
        self.watching = False

    def watch(self) -> None:
        """Where no backend answers, the sync's own probes still find the platform again."""
        if self.watching:
            return
        info_type = qt.QNetworkInformation
        if not info_type.loadDefaultBackend() or info_type.instance() is None:
            log.info("no network information backend: relying on the sync's probes")
            return
        info_type.instance().reachabilityChanged.connect(self.reachability_changed)
        self.watching = True

    def reachability_changed(self, reachability: Any) -> None:
        kinds = qt.QNetworkInformation.Reachability
        if reachability == kinds.Unknown:
            return
        # Anything but "disconnected" is worth a try: a centre's platform may be on its LAN.
        self.events.network_changed.emit(reachability != kinds.Disconnected)
