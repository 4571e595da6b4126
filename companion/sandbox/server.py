"""Run the sandbox on a real socket: in a thread for tests and demo mode, or in the foreground."""

from __future__ import annotations

import contextlib
import email.utils
import logging
import os
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from flask import Response, request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from companion.sandbox.app import create_app
from companion.sandbox.certificates import Certificates
from companion.sandbox.content import Content, load_or_build, sources_dir
from companion.sandbox.faults import Faults
from companion.sandbox.learners import Learners
from companion.sandbox.lrs import StatementStore
from companion.sandbox.oidc import ProviderState
from companion.sandbox.persist import PlatformParts, SavedState, provider_from, restore
from companion.sandbox.traffic import Traffic

log = logging.getLogger("companion.sandbox")


def default_cache_root() -> Path:
    """The sample courses built for the sandbox, in this account's own cache folder.

    It once was a fixed name in the shared temporary folder, where anyone on the computer
    could have put courses (and files) of their choosing first (issue 12). The folder is
    made owner-only, and one owned by another account is refused."""
    from companion.files import private_folder
    from companion.paths import Paths

    root = private_folder(Paths.default().cache_dir / "sandbox")
    if os.name == "posix" and root.stat().st_uid != os.getuid():
        raise PermissionError(f"{root} belongs to another account: not used")
    return root


class SandboxServer:
    """The sandbox listening on ``host`` (loopback by default) and an ephemeral port."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        cache_root: Path | None = None,
        content: Content | None = None,
        provider: ProviderState | None = None,
        learners: Learners | None = None,
        state_dir: Path | None = None,
    ) -> None:
        self.faults = Faults()
        self.traffic = Traffic()  # what was served, for benchmarks and tests
        # Shared state lets a second server play an identity provider on another host.
        self.learners = learners or Learners()
        # The demo platform keeps what learners did between starts (persist.py).
        self._saved = SavedState(state_dir) if state_dir is not None else None
        saved = self._saved.read() if self._saved is not None else None
        self.oidc = provider or provider_from(saved)
        self.statements = StatementStore()
        self.content = content or load_or_build(sources_dir(), cache_root or default_cache_root())
        self.certificates = Certificates(self.content, self.oidc.key)
        self.parts = PlatformParts(self.learners, self.oidc, self.statements, self.certificates)
        if saved is not None:
            restore(saved, self.parts)
        self.app = create_app(
            self.content,
            self.faults,
            self.learners,
            self.oidc,
            self.statements,
            self.certificates,
            self.traffic,
        )
        if self._saved is not None:
            self._save_after_changes(self._saved)
        self.offline = OfflineSwitch(self.app.wsgi_app)
        self.app.wsgi_app = self.offline  # type: ignore[method-assign]
        _quiet_werkzeug()
        self._server: BaseWSGIServer = self._listen(host, port)
        self._thread: threading.Thread | None = None

    def _listen(self, host: str, port: int) -> BaseWSGIServer:
        return make_server(
            host, port, self.app, threaded=True, request_handler=_handler_with_clock(self.oidc)
        )

    def _save_after_changes(self, saved: SavedState) -> None:
        def save(response: Response) -> Response:
            if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 500:
                saved.save(self.parts)
            return response

        self.app.after_request(save)
        saved.save(self.parts)  # the signing keys, from the very first start

    def set_offline(self, offline: bool) -> None:
        """Stop answering, as a platform out of reach does (connections refused, open ones
        cut), or answer again on the same address. The demo's "try studying offline"."""
        if offline == self.offline.active:
            return
        self.offline.active = offline
        host, port = self._server.server_address[:2]
        if offline:
            self._stop_listening()
        else:
            self._server = self._listen(str(host), int(port))
            self.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sandbox-server", daemon=True
        )
        self._thread.start()
        log.info("sandbox listening on %s", self.url)
        return self

    def serve_forever(self) -> None:
        log.info("sandbox listening on %s", self.url)
        self._server.serve_forever()

    def stop(self) -> None:
        if not self.offline.active:
            self._stop_listening()

    def _stop_listening(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


class OfflineSwitch:
    """While active, a connection kept open from before is cut instead of answered: the
    client sees what a dropped network gives, not an HTTP error."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.active = False

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.active:
            connection = environ.get("werkzeug.socket")
            if connection is not None:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("the demo platform is offline")
        return self.app(environ, start_response)


def _handler_with_clock(provider: ProviderState) -> type[WSGIRequestHandler]:
    """Every answer's Date header tells the provider's clock, so a test can set the
    platform two hours away from the learner's computer, as a wrong clock looks from it."""

    class Handler(WSGIRequestHandler):
        def date_time_string(self, timestamp: float | None = None) -> str:
            now = time.time() if timestamp is None else timestamp
            return email.utils.formatdate(now + provider.clock_offset_seconds, usegmt=True)

    return Handler


def _quiet_werkzeug() -> None:
    # One line per request on stderr drowns the app's own log in demo mode.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
