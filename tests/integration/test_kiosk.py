"""A kiosk configured by a policy file, through three learners in a row (issue 9): device
sign-in, study, sign-out; one leaves while the platform is down. After each, nothing of that
learner is left in any file or database row under the kiosk's folders; the platform holds
each action once, under the right learner; the one who left offline gets their actions sent
at their next sign-in."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from companion.app.context import AppContext
from companion.services.device import load_device
from tests.auth_helpers import approve_device
from tests.policy_helpers import kiosk_policy, use_policy
from tests.sync_helpers import complete_chapters

LEARNERS = {
    "camille": ("u-1001", "Camille Martin", "camille.martin@example.org"),
    "karim": ("u-1002", "Karim Benali", "karim.benali@example.org"),
    "lea": ("u-1003", "Léa Dubois", "lea.dubois@example.org"),
}


@pytest.fixture
def kiosk(platform_env, companion_home, monkeypatch):
    use_policy(companion_home, monkeypatch, kiosk_policy(idle_minutes=5))
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")
    platform_env.oidc.device_interval = 1
    context = AppContext.create()
    yield context
    context.close()


def device_sign_in(context: AppContext, login: str) -> None:
    authorization = context.account.start_device_sign_in()
    assert authorization.verification_uri_complete
    approve_device(authorization.verification_uri_complete, login)
    context.account.finish_device_sign_in(authorization, threading.Event())


def study(context: AppContext) -> list[str]:
    """Read, position, add a course: returns the ids of the statements made."""
    progress = context.progress()
    assert progress.keeps_progress
    context.library().add_course("securite-chantier")
    complete_chapters(progress, 2)
    progress.save_position("c", "ch0", 0.5)
    return [statement["id"] for statement in progress.pending_statements()]


def everything_under(home: Path) -> str:
    """Every file's bytes and every SQLite row under the kiosk's folders, as text."""
    seen = []
    for path in sorted(home.rglob("*")):
        if not path.is_file():
            continue
        seen.append(str(path.relative_to(home)))
        data = path.read_bytes()
        if data.startswith(b"SQLite format 3"):
            seen.extend(_rows(path))
        else:
            seen.append(data.decode("utf-8", "replace"))
    return "\n".join(seen)


def _rows(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return [
            json.dumps(list(row), default=str)
            for table in tables
            for row in connection.execute(f'SELECT * FROM "{table}"')
        ]
    finally:
        connection.close()


def assert_nothing_of(home: Path, login: str, statement_ids: list[str]) -> None:
    subject, name, email = LEARNERS[login]
    text = everything_under(home)
    for trace in (subject, name, name.split()[0], email, *statement_ids):
        assert trace not in text, f"{trace!r} of {login} left on the kiosk"


def stored(sandbox, subject: str) -> list[str]:
    return [s["id"] for s in sandbox.statements.since(subject, 0, 100)[0]]


def test_three_learners_in_a_row_leave_nothing_and_lose_nothing(
    kiosk, platform_env, companion_home
):
    made: dict[str, list[str]] = {}
    assert kiosk.owner() is None and not kiosk.progress().keeps_progress  # nobody: kept nowhere

    device_sign_in(kiosk, "camille")
    made["camille"] = study(kiosk)
    kiosk.sign_out()  # online: everything sent, then wiped
    assert sorted(stored(platform_env, "u-1001")) == sorted(made["camille"])
    assert_nothing_of(companion_home, "camille", made["camille"])

    device_sign_in(kiosk, "karim")
    assert "securite-chantier" not in kiosk.library().my_courses()  # Camille's list is gone
    made["karim"] = study(kiosk)
    platform_env.faults.set(status=503)  # the platform is down as Karim leaves
    kiosk.sign_out()
    platform_env.faults.clear()
    assert stored(platform_env, "u-1002") == []
    assert_nothing_of(companion_home, "karim", made["karim"])  # parked, unreadable

    device_sign_in(kiosk, "lea")
    made["lea"] = study(kiosk)
    kiosk.sync_once()
    assert stored(platform_env, "u-1002") == []  # Karim's are not Léa's to send
    kiosk.sign_out()
    assert sorted(stored(platform_env, "u-1003")) == sorted(made["lea"])
    assert_nothing_of(companion_home, "lea", made["lea"])

    device_sign_in(kiosk, "karim")  # Karim comes back: what he left goes, under his name
    kiosk.sync_once()
    assert sorted(stored(platform_env, "u-1002")) == sorted(made["karim"])
    kiosk.sign_out()
    assert_nothing_of(companion_home, "karim", made["karim"])
    assert platform_env.statements.arrivals() == sum(len(ids) for ids in made.values())


def test_a_crashed_kiosk_session_is_parked_and_wiped_at_the_next_start(
    kiosk, platform_env, companion_home
):
    device_sign_in(kiosk, "camille")
    made = study(kiosk)
    kiosk.progress().close()  # the power goes: no sign-out, no clean-up of any kind
    kiosk.close = lambda: kiosk.connection.close()
    restarted = AppContext.create()
    try:
        assert_nothing_of(companion_home, "camille", made)
        device_sign_in(restarted, "camille")
        restarted.sync_once()
        assert sorted(stored(platform_env, "u-1001")) == sorted(made)
    finally:
        restarted.close()


def test_studying_without_signing_in_on_a_kiosk_keeps_nothing(kiosk, companion_home):
    progress = kiosk.progress()
    chapter_ids = complete_chapters(progress, 1).pending_statements()
    assert kiosk.ownership().kiosk and not kiosk.ownership().signed_in
    assert not any(p.name == "progress.db" for p in companion_home.rglob("*"))
    assert chapter_ids  # graded and shown, then gone with the session


def test_a_cloned_disk_gets_its_own_device_id(companion_home, monkeypatch):
    monkeypatch.setenv("COMPANION_MACHINE_ID", "image-master")
    first = load_device(companion_home)
    assert load_device(companion_home) == first
    monkeypatch.setenv("COMPANION_MACHINE_ID", "clone-42")  # the image, started elsewhere
    clone = load_device(companion_home)
    assert clone.device_id != first.device_id
    assert clone.secret == first.secret  # parked progress can still be opened
    assert (companion_home / "device.json").stat().st_mode & 0o077 == 0


def test_the_next_person_at_a_kiosk_finds_nothing_of_an_anonymous_one(kiosk):
    """Studying without signing in is kept in memory only, and only for that person: when
    the screen goes back to the start, the next one starts from nothing."""
    kiosk.library().add_course("securite-chantier")
    complete_chapters(kiosk.progress(), 1)
    kiosk.end_kiosk_session(None)  # idle time-out with nobody signed in
    assert kiosk.library().my_courses() == []
    assert kiosk.progress().pending_count() == 0
    assert kiosk.progress().completed_activities() == set()
