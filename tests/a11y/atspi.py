"""The accessibility stack a screen reader uses on Linux, for tests (issue 27).

A private D-Bus session bus, the AT-SPI bus that ``at-spi-bus-launcher`` (at-spi2-core)
starts on it with its registry, and a client that reads what an application exposes there,
as Orca does: the tree (``org.a11y.atspi.Accessible``), text and caret
(``org.a11y.atspi.Text``) and events (``org.a11y.atspi.Event.Object``). Read with jeepney,
the pure-Python D-Bus client already among the app's dependencies (through keyring): no
pyatspi, no GObject introspection.

Nothing here is skipped: a missing piece fails with what to install.
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, MatchRule, MessageType, Properties, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

BUS_LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
REGISTRY = "org.a11y.atspi.Registry"
ROOT_PATH = "/org/a11y/atspi/accessible/root"
ACCESSIBLE = "org.a11y.atspi.Accessible"
TEXT = "org.a11y.atspi.Text"
COMPONENT = "org.a11y.atspi.Component"
ACTION = "org.a11y.atspi.Action"
EVENT_OBJECT = "org.a11y.atspi.Event.Object"
CALL_SECONDS = 10  # one D-Bus call; an app that does not answer in this fails the test
BUS_DRIVER = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
INSTALL_HINT = "install at-spi2-core and dbus-daemon (scripts/setup.sh dev does)"

# AT-SPI's roles (atspi-constants.h), the ones the tests name.
ROLES = {
    "check box": 7,
    "combo box": 11,
    "heading": 83,
    "image": 27,  # Qt's role name for it: "graphic"
    "label": 29,
    "link": 88,
    "list": 31,
    "list item": 32,
    "page tab": 37,
    "push button": 43,
    "radio button": 44,
    "slider": 51,
    "text": 61,
    "entry": 79,
}
# What a learner acts on: each of these must have a name.
INTERACTIVE_ROLES = frozenset(
    {
        "push button",
        "toggle button",
        "check box",
        "radio button",
        "combo box",
        "text",
        "entry",
        "password text",
        "list",
        "tree",
        "tree table",
        "table",
        "link",
        "slider",
        "spin button",
        "page tab",
        "menu item",
        "check menu item",
        "radio menu item",
        "progress bar",  # not acted on, but its name says what progresses (a download)
    }
)
# AT-SPI's states (AtspiStateType): bits of GetState's two words.
STATE_CHECKED, STATE_EDITABLE, STATE_ENABLED, STATE_FOCUSABLE, STATE_FOCUSED = 4, 7, 8, 11, 12
STATE_SELECTED, STATE_SHOWING, STATE_VISIBLE = 23, 25, 30


def _missing_stack() -> str | None:
    for command in ("dbus-daemon",):
        if shutil.which(command) is None:
            return f"{command} is not installed: {INSTALL_HINT}"
    if not BUS_LAUNCHER.exists():
        return f"{BUS_LAUNCHER} is not installed: {INSTALL_HINT}"
    if not os.environ.get("DISPLAY"):
        return "no X server (DISPLAY): run the tests under xvfb-run, as scripts/run-tests does"
    return None


@dataclass
class Node:
    """One accessible object as AT-SPI gives it."""

    bus: AtSpiBus
    name_owner: str
    path: str
    role: str = ""
    name: str = ""
    description: str = ""
    states: frozenset[int] = frozenset()
    interfaces: tuple[str, ...] = ()
    level: str = ""  # a heading's, as read with the tree
    children: list[Node] = field(default_factory=list)

    def call(self, interface: str, method: str, signature: str = "", *args: Any) -> Any:
        address = DBusAddress(self.path, self.name_owner, interface)
        return self.bus.call(new_method_call(address, method, signature, args))

    def prop(self, interface: str, name: str) -> Any:
        address = DBusAddress(self.path, self.name_owner, interface)
        return self.bus.call(Properties(address).get(name))[0][1]

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def attributes(self) -> dict[str, str]:
        """The object's attributes (a heading's ``level``)."""
        return dict(self.call(ACCESSIBLE, "GetAttributes")[0])

    def extents(self) -> tuple[int, int, int, int]:
        """x, y, width, height on the screen."""
        x, y, width, height = self.call(COMPONENT, "GetExtents", "u", 0)[0]
        return int(x), int(y), int(width), int(height)

    @property
    def showing(self) -> bool:
        return STATE_SHOWING in self.states and STATE_VISIBLE in self.states

    def find(self, role: str = "", name: str = "", showing: bool = True) -> list[Node]:
        return [
            node
            for node in self.walk()
            if (not role or node.role == role)
            and (not name or node.name == name)
            and (node.showing or not showing)
        ]

    def one(self, role: str = "", name: str = "") -> Node:
        found = self.find(role, name)
        assert len(found) == 1, f"{len(found)} {role!r} named {name!r}; tree:\n{self.dump()}"
        return found[0]

    # --- org.a11y.atspi.Text ----------------------------------------------------------

    def text(self) -> str:
        return str(self.call(TEXT, "GetText", "ii", 0, -1)[0])

    def caret(self) -> int:
        return int(self.prop(TEXT, "CaretOffset"))

    def line_at(self, offset: int) -> str:
        """The line holding ``offset`` (ATSPI_TEXT_BOUNDARY_LINE_START), as Orca reads it."""
        return str(self.call(TEXT, "GetTextAtOffset", "iu", offset, 5)[0])

    def attributes_at(self, offset: int) -> dict[str, str]:
        return dict(self.call(TEXT, "GetAttributes", "i", offset)[0])

    def dump(self, depth: int = 0) -> str:
        line = f"{'  ' * depth}{self.role} {self.name!r} {self.description[:60]!r}"
        return "\n".join([line, *(child.dump(depth + 1) for child in self.children)])


class AtSpiBus:
    """A private session bus with the AT-SPI bus and registry, and a client on it."""

    def __init__(self) -> None:
        missing = _missing_stack()
        if missing:
            raise AssertionError(f"the AT-SPI test stack is missing: {missing}")
        self.runtime = Path(tempfile.mkdtemp(prefix="companion-atspi-"))
        self._processes: list[subprocess.Popen[str]] = []
        self.events: collections.deque[tuple[str, str, tuple[Any, ...]]] = collections.deque()
        session = self._start(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=True
        )
        assert session.stdout is not None
        self.session_address = session.stdout.readline().strip()
        assert self.session_address, "dbus-daemon gave no address"
        self.env = {
            "DBUS_SESSION_BUS_ADDRESS": self.session_address,
            "XDG_RUNTIME_DIR": str(self.runtime),  # the AT-SPI bus's socket: ours alone
        }
        self._start([str(BUS_LAUNCHER)], env={**os.environ, **self.env})
        self.address = self._a11y_address()
        self.env["AT_SPI_BUS_ADDRESS"] = self.address
        self.connection: DBusConnection = open_dbus_connection(self.address)
        self._listen()

    def _start(
        self, command: list[str], env: dict[str, str] | None = None, stdout: bool = False
    ) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE if stdout else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._processes.append(process)
        return process

    def _a11y_address(self) -> str:
        """The AT-SPI bus, as a screen reader finds it: org.a11y.Bus.GetAddress."""
        session = open_dbus_connection(self.session_address)
        bus = DBusAddress("/org/a11y/bus", "org.a11y.Bus", "org.a11y.Bus")
        driver = BUS_DRIVER
        deadline, error = time.monotonic() + 20, None
        try:
            while time.monotonic() < deadline:
                try:
                    # Ours, not one the session bus would start itself when asked first.
                    owned = session.send_and_get_reply(
                        new_method_call(driver, "NameHasOwner", "s", ("org.a11y.Bus",)),
                        timeout=CALL_SECONDS,
                    )
                    if not owned.body[0]:
                        time.sleep(0.05)
                        continue
                    reply = session.send_and_get_reply(
                        new_method_call(bus, "GetAddress"), timeout=CALL_SECONDS
                    )
                    if reply.header.message_type == MessageType.method_return:
                        return str(reply.body[0])
                    error = reply.body
                except (OSError, TimeoutError) as problem:
                    error = problem
                time.sleep(0.05)
        finally:
            session.close()
        raise AssertionError(f"at-spi-bus-launcher gave no AT-SPI bus in 20 s: {error}")

    def _listen(self) -> None:
        """Every object event from now on, kept in ``events``; and the registry told that
        someone listens (Qt sends only the events a listener registered for)."""
        rule = MatchRule(type="signal", interface=EVENT_OBJECT)
        driver = BUS_DRIVER
        self.call(new_method_call(driver, "AddMatch", "s", (rule.serialise(),)))
        self._filter = self.connection.filter(rule, bufsize=100_000)
        self._queue = self._filter.queue
        registry = DBusAddress("/org/a11y/atspi/registry", REGISTRY, "org.a11y.atspi.Registry")
        for event in ("object:", "focus:", "window:"):
            self.call(new_method_call(registry, "RegisterEvent", "sass", (event, [], "")))

    def call(self, message: Any) -> tuple[Any, ...]:
        reply = self.connection.send_and_get_reply(message, timeout=CALL_SECONDS)
        if reply.header.message_type == MessageType.error:
            raise AssertionError(f"AT-SPI call {message.header.fields}: {reply.body}")
        return tuple(reply.body)

    # --- events --------------------------------------------------------------------------

    def pump(self, seconds: float = 0.05) -> None:
        """Take in every event sent so far, waiting up to ``seconds`` for a first one. A
        view's change sends hundreds: each read takes one message off the socket, so this
        reads on until the socket is quiet (reading one a call fell seconds behind)."""
        timeout = seconds
        while True:
            try:
                message = self.connection.recv_until_filtered(self._queue, timeout=timeout)
            except TimeoutError:
                break
            for received in [message, *self._queue]:
                fields = received.header.fields  # 1: path, 3: member (the event's name)
                self.events.append((str(fields.get(3, "")), str(fields.get(1, "")), received.body))
            self._queue.clear()
            timeout = 0.02

    def wait_for_event(
        self,
        member: str,
        match: Callable[[tuple[Any, ...]], bool],
        seconds: float = 10,
        path: str = "",
    ) -> tuple[Any, ...]:
        """The next event ``member`` whose body matches (sent by the object at ``path``,
        when given)."""
        deadline = time.monotonic() + seconds
        seen: list[str] = []
        while time.monotonic() < deadline:
            self.pump(0.1)
            while self.events:
                kind, sender, body = self.events.popleft()
                seen.append(f"{kind} {body if kind == 'Announcement' else body[:2]!r} {sender}")
                if kind == member and match(body) and sender in ("", path or sender):
                    return body
        raise AssertionError(f"no {member} event in {seconds} s; seen: {seen[-30:]}")

    def forget_events(self) -> None:
        self.pump(0.05)
        self.events.clear()

    # --- the tree --------------------------------------------------------------------------

    def applications(self) -> list[Node]:
        root = Node(self, REGISTRY, ROOT_PATH)
        return [Node(self, owner, path) for owner, path in root.call(ACCESSIBLE, "GetChildren")[0]]

    def application(self, name: str, seconds: float = 30) -> Node:
        """The application of that name, once it is on the bus."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for app in self.applications():
                try:
                    if app.prop(ACCESSIBLE, "Name") == name:
                        return app
                except AssertionError:
                    continue  # gone meanwhile
            time.sleep(0.2)
        raise AssertionError(f"no application {name!r} on the AT-SPI bus in {seconds} s")

    def tree(self, node: Node, max_nodes: int = 5000) -> Node:
        """``node`` and everything under it, read now."""
        count = [0]

        def read(current: Node) -> Node:
            count[0] += 1
            assert count[0] <= max_nodes, f"more than {max_nodes} accessible objects"
            current.role = str(current.call(ACCESSIBLE, "GetRoleName")[0])
            current.name = str(current.prop(ACCESSIBLE, "Name"))
            current.description = str(current.prop(ACCESSIBLE, "Description"))
            words = current.call(ACCESSIBLE, "GetState")[0]
            current.states = frozenset(
                bit + 32 * index
                for index, word in enumerate(words)
                for bit in range(32)
                if word & (1 << bit)
            )
            current.interfaces = tuple(current.call(ACCESSIBLE, "GetInterfaces")[0])
            if current.role == "heading":  # its level, read while it is there
                current.level = current.attributes().get("level", "")
            current.children = [
                read(Node(self, owner, path))
                for owner, path in current.call(ACCESSIBLE, "GetChildren")[0]
                if path != "/org/a11y/atspi/null"
            ]
            return current

        return read(Node(self, node.name_owner, node.path))

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            for process in reversed(self._processes):
                process.terminate()
            for process in self._processes:
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
            shutil.rmtree(self.runtime, ignore_errors=True)
