"""The demo platform as the app runs it: in a process of its own, driven by its parent.

The app talks to it over HTTP like to any platform (issue 14: in the app's own process its
imports and threads slowed the first window and took 50 MiB). The protocol is three lines:
the child prints ``ready <url>`` once it listens; the parent writes ``offline`` or ``online``
to try studying without a connection; when the parent's end of standard input closes —
the app quit, or was killed — the child saves and leaves, so no orphan keeps the port.
"""

from __future__ import annotations

import logging
import socket
import sys
from pathlib import Path

from companion.files import write_atomic
from companion.sandbox.server import SandboxServer

log = logging.getLogger("companion.sandbox")

READY = "ready"
COMMANDS = {"offline": True, "online": False}


def run_controlled(host: str, port: int, state_dir: str | None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    folder = Path(state_dir) if state_dir else None
    server = _listening(host, port, folder)
    server.start()
    print(f"{READY} {server.url}", flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command in COMMANDS:
                server.set_offline(COMMANDS[command])
                log.info("demo platform %s", command)
                print(command, flush=True)  # the parent waits for the switch to be done
    finally:
        server.stop()
    return 0


PORT_FILE = "port"


def _listening(host: str, port: int, folder: Path | None) -> SandboxServer:
    """The demo platform on the address it had last time, when that is free: the address
    is the identity provider's name (the issuer), under which the app keeps the sign-in, so
    a new address would sign the learner out at every start."""
    remembered = _remembered_port(folder) if folder is not None and not port else None
    if remembered and _free(host, remembered):
        port = remembered
    elif remembered:
        log.info("demo platform: port %d is taken; taking another", remembered)
    return _remember(SandboxServer(host=host, port=port, state_dir=folder), folder)


def _free(host: str, port: int) -> bool:
    """Asked before the server is made (werkzeug would end the process on a taken port)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _remembered_port(folder: Path) -> int | None:
    try:
        value = int((folder / PORT_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return value if 1024 <= value <= 65535 else None


def _remember(server: SandboxServer, folder: Path | None) -> SandboxServer:
    if folder is not None:
        port = server.url.rsplit(":", 1)[1]
        write_atomic(folder / PORT_FILE, port.encode("ascii"))
    return server
