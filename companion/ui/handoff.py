"""The end of a browser sign-in: the system starts a second Companion with the site's
answer (``companion-desktop://token=…``); that process hands the address to the window
already open, over a local socket only this user can reach, and exits. The window then
finishes the sign-in (``SiteAccounts.finish_browser_sign_in``), which accepts only an
answer to a sign-in it started."""

from __future__ import annotations

import getpass
import hashlib
import logging
import time

from companion.platform import URL_SCHEME

from companion.ui.qt import QCoreApplication, QLocalServer, QLocalSocket, QObject, Signal

log = logging.getLogger("companion.ui")

MAX_ADDRESS_BYTES = 8192  # a sign-in answer is a few hundred bytes
WAIT_MS = 3000
READ_MS = 300  # on the GUI thread: a local write is there in microseconds


def channel_name() -> str:
    """One channel per user of this computer (hashed: the socket's name says nobody)."""
    who = hashlib.sha256(f"companion-sign-in:{getpass.getuser()}".encode()).hexdigest()[:16]
    return f"companion-{who}"


def is_sign_in_answer(argument: str) -> bool:
    return argument.startswith(f"{URL_SCHEME}://")


class SignInHandoff(QObject):
    """The window's side: addresses handed over by a second Companion arrive as
    ``received``."""

    received = Signal(str)

    def __init__(self, parent: QObject | None = None, name: str = "") -> None:
        super().__init__(parent)
        self.name = name or channel_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)

    def start(self) -> bool:
        """Listen; False when another Companion already does (its channel is left alone:
        only one a crashed process left behind is removed)."""
        if self.server.listen(self.name):
            return True
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        alive = probe.waitForConnected(300)
        probe.abort()
        if alive:
            log.info("another Companion receives the sign-in answers")
            return False
        QLocalServer.removeServer(self.name)  # a channel a crashed process left
        listening = bool(self.server.listen(self.name))
        if not listening:
            log.warning("sign-in hand-over not available: %s", self.server.errorString())
        return listening

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            # The second process writes at once and leaves: a short wait, never a long one.
            socket.waitForReadyRead(READ_MS)
            data = bytes(socket.readAll().data())[:MAX_ADDRESS_BYTES]
            socket.abort()
            address = data.decode("ascii", errors="replace").strip()
            if is_sign_in_answer(address):
                log.info("a browser sign-in's answer was handed over")
                self.received.emit(address)

    def close(self) -> None:
        self.server.close()


def wait_for_answer(seconds: float, name: str = "") -> str | None:
    """For the command line: listen until a browser sign-in's answer comes (or the time
    runs out, or another Companion already listens: None)."""
    if QCoreApplication.instance() is None:
        QCoreApplication([])
    handoff = SignInHandoff(name=name)
    if not handoff.start():
        return None
    answers: list[str] = []
    handoff.received.connect(answers.append)
    deadline = time.monotonic() + seconds
    try:
        while not answers and time.monotonic() < deadline:
            handoff.server.waitForNewConnection(200)
            handoff._connected()
    finally:
        handoff.close()
    return answers[0] if answers else None


def hand_over(address: str, name: str = "") -> bool:
    """From the second process: give ``address`` to the open window; False when none is."""
    if QCoreApplication.instance() is None:  # Qt's sockets want an application object
        QCoreApplication([])
    socket = QLocalSocket()
    socket.connectToServer(name or channel_name())
    if not socket.waitForConnected(WAIT_MS):
        return False
    socket.write(address.encode("ascii", errors="replace")[:MAX_ADDRESS_BYTES])
    delivered = bool(socket.waitForBytesWritten(WAIT_MS))
    socket.disconnectFromServer()
    return delivered
