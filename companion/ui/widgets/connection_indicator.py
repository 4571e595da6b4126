"""The connection state in the status bar: a coloured dot and a few words.

Two things learn whether the platform answers: the catalogue and the sync. ``Reachability``
is the one place that decides, from whichever spoke last, so the status bar never says
"En ligne" beside "Hors ligne" (issue 13)."""

from __future__ import annotations

import time
from enum import Enum
from typing import Any

from companion.i18n import _
from companion.sync_status import Phase, SyncStatus

from companion.ui import announce
from companion.ui.qt import QHBoxLayout, QLabel, QWidget
from companion.ui.theme import colour


class ConnectionState(Enum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"


_SYMBOLS = {  # a shape as well as a colour: colour is never the only signal
    ConnectionState.CONNECTING: "◌",
    ConnectionState.ONLINE: "●",
    ConnectionState.OFFLINE: "○",
}

_COLOURS = {  # names of theme colours
    ConnectionState.CONNECTING: "waiting",
    ConnectionState.ONLINE: "good",
    ConnectionState.OFFLINE: "bad",
}


class ConnectionIndicator(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self._dot = QLabel("●")
        self._label = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self._dot)
        layout.addWidget(self._label)
        self.state = ConnectionState.CONNECTING
        self.set_state(ConnectionState.CONNECTING)

    def set_state(self, state: ConnectionState) -> None:
        self.state = state
        self._dot.setText(_SYMBOLS[state])
        self.retranslate()
        announce.connection_changed(self, state.value)  # issue 27: heard, not only shown

    def retranslate(self) -> None:
        texts = {
            ConnectionState.CONNECTING: _("Connecting to the platform…"),
            ConnectionState.ONLINE: _("Online"),
            ConnectionState.OFFLINE: _("Offline"),
        }
        self._label.setText(texts[self.state])
        self._dot.setStyleSheet(f"color: {colour(_COLOURS[self.state])};")  # the theme's
        self.setToolTip(texts[self.state])
        # The dot is a shape and a colour: a screen reader gets its meaning in words.
        self._dot.setAccessibleName(_("Connection"))
        self._dot.setAccessibleDescription(texts[self.state])
        self.setAccessibleName(_("Connection to the platform"))
        self.setAccessibleDescription(texts[self.state])

    @property
    def text(self) -> str:
        return self._label.text()


class Reachability:
    """The one answer to "can the platform be reached?", shown by both indicators.

    A successful sync means the platform answered; a sync that could not reach it means
    offline; a sync the platform refused with an error still reached it. The catalogue's
    answer counts the same way. The latest evidence wins."""

    def __init__(self, connection: ConnectionIndicator, sync: Any) -> None:
        self.connection = connection
        self.sync = sync  # a SyncIndicator: told, so its words agree with the dot
        self._phase: Phase | None = None
        self._last_success: float | None = None
        self._since = time.time()  # a success from an earlier session proves nothing now

    @property
    def state(self) -> ConnectionState:
        return self.connection.state

    def connecting(self) -> None:
        if self.connection.state is not ConnectionState.ONLINE:
            self.connection.set_state(ConnectionState.CONNECTING)

    def catalogue_answered(self, online: bool) -> None:
        self._set(ConnectionState.ONLINE if online else ConnectionState.OFFLINE)

    def sync_reported(self, status: SyncStatus) -> None:
        previous, self._phase = self._phase, status.phase
        # A sync went through: told by a success time of this session that is new, not
        # only by a SYNCING seen just before (the first sync can report before the window
        # listens to it).
        success = status.last_success
        completed = success is not None and success >= self._since and success != self._last_success
        self._last_success = status.last_success
        if status.phase is Phase.OFFLINE:
            self._set(ConnectionState.OFFLINE)
        elif status.phase is Phase.FAILING:
            self._set(ConnectionState.ONLINE)  # it answered, with an error
        elif status.phase is Phase.IDLE and (previous is Phase.SYNCING or completed):
            self._set(ConnectionState.ONLINE)  # a sync went through
        else:
            self.sync.set_reachable(self.connection.state is not ConnectionState.OFFLINE)

    def _set(self, state: ConnectionState) -> None:
        self.connection.set_state(state)
        self.sync.set_reachable(state is not ConnectionState.OFFLINE)
