"""The loopback redirect receiver of RFC 8252: one request on 127.0.0.1, then done."""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from companion.auth.errors import SignInError
from companion.i18n import _

CALLBACK_PATH = "/callback"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self.send_error(404)
            return
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        ok = "code" in params and "error" not in params
        body = _page(ok).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)
        self.server.deliver(params)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the query holds the authorisation code: never print it


class _Server(HTTPServer):
    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.result: dict[str, str] | None = None
        self.arrived = threading.Event()

    def deliver(self, params: dict[str, str]) -> None:
        if self.result is None:
            self.result = params
            self.arrived.set()


class LoopbackReceiver:
    """Listens on 127.0.0.1 (an ephemeral port unless one is configured)."""

    def __init__(self, port: int = 0) -> None:
        try:
            self._server = _Server(port)
        except OSError as error:
            raise SignInError(
                _("Sign-in cannot listen on 127.0.0.1:{port}: another program uses it.").format(
                    port=port
                ),
                _("Close that program, or set auth.loopback_port to 0 to let Companion choose."),
            ) from error
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, name="sign-in-redirect"
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"

    def wait(self, timeout: float, cancelled: threading.Event) -> dict[str, str] | None:
        """The redirect's query parameters, or None when cancelled or timed out."""
        deadline = timeout
        while deadline > 0 and not cancelled.is_set():
            if self._server.arrived.wait(0.2):
                return self._server.result
            deadline -= 0.2
        return None

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _page(ok: bool) -> str:
    title = _("You are signed in") if ok else _("Sign-in did not complete")
    text = (
        _("You can close this page and go back to Companion.")
        if ok
        else _("Go back to Companion to see what happened and try again.")
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>body{{font-family:system-ui,sans-serif;background:#eef4fa;"
        f"padding:60px;text-align:center}}h1{{color:#1f3b53}}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
