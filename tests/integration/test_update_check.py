"""The update check a learner on a slow line can live with (issue 26, item 6), against the
demo platform over loopback: at most one request a day, a bounded answer within a
deadline, nothing on a kiosk or against the machine's policy, and a quiet notice in the
window's status bar — never a dialog."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from companion import __version__
from companion.services.updates import UpdateCheck, fetch_from, version_key
from companion.settings import Settings
from companion.sync import update_check
from companion.sync.client import NetworkConfig
from companion.sync.update_check import NotAnnounced, fetch_latest, parse_release

NEWER = "99.1"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def announced(sandbox):
    """The demo platform announcing a newer Companion of 43 MB."""
    release = sandbox.app.extensions["companion"]
    saved = release["desktop_release"]
    release["desktop_release"] = {
        "version": NEWER,
        "size_bytes": 43_000_000,
        "url": "https://formation.example.org/companion-99.1-linux-x86_64.tar.xz",
    }
    yield sandbox
    release["desktop_release"] = saved


def asked(sandbox) -> int:
    count: int = sandbox.traffic.requests.get("/v1/desktop", 0)
    return count


def make_check(context, tmp_path: Path, clock: Clock, kiosk: bool = False) -> UpdateCheck:
    return UpdateCheck(context.settings, tmp_path / "update-check.json", kiosk=kiosk, clock=clock)


def test_a_newer_version_is_found_once_a_day(context, announced, tmp_path):
    clock = Clock()
    check, fetch = make_check(context, tmp_path, clock), fetch_from(context.connection)
    notice = check.run(fetch)
    assert notice is not None and notice.version == NEWER and notice.size_bytes == 43_000_000
    assert notice.url.startswith("https://")
    assert asked(announced) == 1
    clock.now += 23 * 3600  # the same day: remembered, not asked (a start offline too)
    assert check.run(fetch) == notice and asked(announced) == 1
    clock.now += 2 * 3600  # the next day: asked again
    check.run(fetch)
    assert asked(announced) == 2


def test_the_same_version_says_nothing(context, sandbox, tmp_path):
    assert sandbox.app.extensions["companion"]["desktop_release"]["version"] == __version__
    assert make_check(context, tmp_path, Clock()).run(fetch_from(context.connection)) is None
    assert asked(sandbox) == 1


def test_a_kiosk_never_asks(context, announced, tmp_path):
    check = make_check(context, tmp_path, Clock(), kiosk=True)
    assert not check.enabled() and check.run(fetch_from(context.connection)) is None
    assert asked(announced) == 0


def test_a_machine_policy_turns_it_off(context, announced, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[updates]\ncheck = false\n", encoding="utf-8")
    settings = Settings(tmp_path / "settings.toml", policy)
    check = UpdateCheck(settings, tmp_path / "state.json", kiosk=False, clock=Clock())
    assert check.run(fetch_from(context.connection)) is None
    assert asked(announced) == 0


def test_a_slow_platform_costs_one_bounded_wait_and_no_news(
    context, announced, tmp_path, monkeypatch
):
    monkeypatch.setattr(update_check, "DEADLINE_SECONDS", 1.0)
    announced.faults.set(first_byte_delay_ms=4000, path_prefix="/v1/desktop")
    clock = Clock()
    check = make_check(context, tmp_path, clock)
    started = time.monotonic()
    assert check.run(fetch_from(context.connection)) is None
    assert time.monotonic() - started < 3.5  # one try, no retry, within the deadline
    announced.faults.clear()
    assert check.run(fetch_from(context.connection)) is None  # and not asked again today
    assert asked(announced) == 1


def test_an_answer_too_big_is_not_read_whole(context, announced, tmp_path):
    release = announced.app.extensions["companion"]["desktop_release"]
    release["url"] = "https://formation.example.org/" + "x" * 40_000  # 40 kB > 16 KiB
    config = context.connection.network_config(context.connection.api().address)
    with pytest.raises(Exception, match="cannot read"):
        fetch_latest(config)


def test_only_the_platforms_tls_or_this_computer_is_asked():
    with pytest.raises(NotAnnounced):
        fetch_latest(NetworkConfig(base_url="http://formation.example.org/api"))
    assert update_check.secure("https://formation.example.org/api")
    assert update_check.secure("http://127.0.0.1:8765")


@pytest.mark.parametrize(
    "answer",
    [
        [],
        {"version": "1.0; rm -rf"},
        {"version": "1.2", "size_bytes": -1},
        {"version": "1.2", "size_bytes": True},
        {"version": "1.2", "url": "http://plain.example.org/file"},
    ],
)
def test_an_announcement_that_is_not_a_release_is_refused(answer):
    with pytest.raises(NotAnnounced):
        parse_release(answer)


def test_versions_compare_as_numbers():
    assert version_key("0.10") > version_key("0.9")
    assert version_key("0.1") == version_key("0.1.0")
    assert version_key(NEWER) > version_key(__version__)
