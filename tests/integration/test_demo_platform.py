"""The demo platform: a process of its own that remembers between starts (issues 13, 14)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from companion import xapi
from companion.app.context import AppContext
from companion.domain import Chapter
from companion.services.demo_platform import DemoPlatform
from companion.sync.client import PlatformUnreachable
from tests.auth_helpers import Browser

HOME = "https://plateforme.example"


def wait_until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def demo_context() -> AppContext:
    os.environ.pop("COMPANION_PLATFORM_API_URL", None)
    context = AppContext.create()
    assert context.connection.is_demo
    return context


def statements_kept(context: AppContext) -> set[str]:
    api = context.connection.api().with_auth(context.account.session())
    page = next(iter(api.statements().query(_agent(context), "", 100)))
    return {s["object"]["id"] for s in page.statements}


def _agent(context: AppContext) -> dict[str, object]:
    account = context.account.saved_account()
    assert account is not None
    return xapi.agent(account.id, context.connection.issuer())


def test_karims_activation_and_synced_progress_survive_a_restart(memory_keyring):
    """Seen: in demo mode the demo platform forgot everything at each start."""
    context = demo_context()
    try:
        context.account.sign_in_with_browser(Browser("karim"), threading.Event())
        assert context.account.activate("1234567K").entitlements[0].status == "active"
        chapter = Chapter("c1", "Chapitre 1", (), f"{HOME}/xapi/activities/courses/c/chapters/1")
        context.progress().complete_chapter("c", chapter)
        seen: list[object] = []
        context.start_sync(seen.append)
        wait_until(lambda: context.progress().pending_count() == 0)
        first_url = context.connection.api().address
    finally:
        context.close()

    again = demo_context()
    try:
        # A new process, on the address it had: the issuer, under which the sign-in is kept.
        assert again.connection.api().address == first_url
        account = again.account.refresh_account()  # still signed in: no browser this time
        assert account.name == "Karim Benali"
        assert account.entitlements[0].status == "active"
        assert chapter.activity_id in statements_kept(again)
    finally:
        again.close()


def test_what_is_saved_holds_no_token(memory_keyring, companion_home):
    context = demo_context()
    try:
        context.account.sign_in_with_browser(Browser("camille"), threading.Event())
        session = context.account.session()
        access = session.bearer()
        saved = next(companion_home.rglob("demo-platform.json"))
        text = saved.read_text(encoding="utf-8")
        assert access not in text
        assert oct(saved.stat().st_mode & 0o777) == "0o600"
    finally:
        context.close()


def test_trying_offline_stops_the_demo_platform_answering_until_switched_back(memory_keyring):
    context = demo_context()
    try:
        assert context.catalog.refresh().courses
        assert context.connection.demo is not None
        context.connection.demo.set_offline(True)
        offline = context.catalog.refresh()  # the saved copy, and why
        assert offline.courses and not offline.online
        assert isinstance(offline.problem, PlatformUnreachable)
        context.connection.demo.set_offline(False)
        assert context.catalog.refresh().online
    finally:
        context.close()


def test_the_demo_platform_leaves_when_the_app_is_killed(companion_home):
    """A killed app must not leave a demo platform running (and holding its port)."""
    script = (
        "from pathlib import Path; import sys, time\n"
        "from companion.services.demo_platform import DemoPlatform\n"
        "demo = DemoPlatform(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "print(demo.url(), demo._process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(companion_home / "state"), str(companion_home / "log")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    url, pid = parent.stdout.readline().split()
    assert requests.get(f"{url}/v1/catalog", timeout=5).ok
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    wait_until(lambda: not _alive(int(pid)), timeout=10)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/v1/catalog", timeout=5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by init) counts as gone.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"


def test_a_second_demo_platform_on_the_same_profile_reads_but_never_overwrites(companion_home):
    state = companion_home / "state"
    first = DemoPlatform(state, companion_home / "first.log")
    second = DemoPlatform(state, companion_home / "second.log")
    try:
        first.url()
        second.url()
        assert "saves nothing" in (companion_home / "second.log").read_text(encoding="utf-8")
    finally:
        first.stop()
        second.stop()
