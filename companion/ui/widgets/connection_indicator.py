"""The connection state in the status bar: a coloured dot and a few words."""

from __future__ import annotations

from enum import Enum

from companion.i18n import _

from companion.ui.qt import QHBoxLayout, QLabel, QWidget


class ConnectionState(Enum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"


_COLOURS = {
    ConnectionState.CONNECTING: "#c58b00",
    ConnectionState.ONLINE: "#2e8b57",
    ConnectionState.OFFLINE: "#b3261e",
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
        self._dot.setStyleSheet(f"color: {_COLOURS[state]};")
        self.retranslate()

    def retranslate(self) -> None:
        texts = {
            ConnectionState.CONNECTING: _("Connecting to the platform…"),
            ConnectionState.ONLINE: _("Online"),
            ConnectionState.OFFLINE: _("Offline"),
        }
        self._label.setText(texts[self.state])
        self.setToolTip(texts[self.state])

    @property
    def text(self) -> str:
        return self._label.text()
