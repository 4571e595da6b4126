"""Killed at any moment while it syncs with, or downloads from, a real Moodle 5.1, Companion
loses no action, sets a manual completion to a state (never a toggle), and keeps no file
whose bytes differ from the site's (issue 23; the platform's own run is
tests/reliability/crash.py).

What the site recorded is read from its own log store: each chapter completed here is one
view call there, so every journaled action must show as a view, and at most the batch in
flight at each kill may show twice (a view is harmless to repeat)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from companion.services.progress import ProgressService
from companion.store.assets import AssetStore
from companion.sync import moodle_ws
from companion.sync.client import HttpClient
from companion.sync.moodle import MoodlePlatform
from companion.sync.moodle_outline import course_ref
from companion.sync.outbox import push
from tests.moodle_site import LEARNER, MoodleSite

REPO = Path(__file__).resolve().parents[2]
KILLS = 8
DOWNLOAD_KILLS = 6
BATCH = 2  # the child's push batch: at most this many views may repeat per kill


@pytest.fixture(scope="module")
def big_course(moodle: MoodleSite) -> int:
    """A course of two 2 MB files (the shared seed's are a few hundred bytes)."""
    seed = Path(__file__).with_name("seed_bench.php")
    printed = moodle.php(str(seed), str(moodle.base / "moodle" / "config.php"), "1", "2", "2")
    return int(json.loads(printed.strip().splitlines()[-1])["courses"][0])


@pytest.fixture
def token(moodle: MoodleSite, moodle_http: HttpClient) -> str:
    return moodle_ws.token_for(moodle_http, *LEARNER)


def kill_during(arguments: list[str], chance: random.Random, low: float, high: float) -> bool:
    """Whether the child was killed (rather than finished first)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.moodle.crash_child", *arguments],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        child.wait(chance.uniform(low, high))
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)  # no clean-up of any kind
        child.wait(30)
        return True
    return False


def views_logged(moodle: MoodleSite, cmid: int, modname: str) -> int:
    event = rf"\mod_{modname}\event\course_module_viewed"
    code = (
        "echo $DB->count_records('logstore_standard_log', "
        f"['userid' => {moodle.learner_id}, 'contextinstanceid' => {cmid}, "
        f"'eventname' => '{event}']);"
    )
    return int(moodle.run_php("views", code).strip())


def test_killed_syncs_lose_nothing_and_complete_once(moodle, moodle_http, token, tmp_path):
    page, resource = moodle.cmid("page"), moodle.cmid("resource")
    targets = {
        f"{moodle.url}/mod/page/view.php?id={page}": (page, "page"),
        f"{moodle.url}/mod/resource/view.php?id={resource}": (resource, "resource"),
    }
    before = {cmid: views_logged(moodle, cmid, name) for cmid, name in targets.values()}
    chance = random.Random(23)
    common = [str(tmp_path), moodle.url, str(moodle.certificate), token, str(moodle.learner_id)]
    for run in range(KILLS):
        kill_during(["act", *common, str(run), *targets], chance, 0.8, 3.0)
        ProgressService(tmp_path / "device").close()  # its integrity check passes after each
    journal = (tmp_path / "journal").read_text(encoding="utf-8").split()
    assert len(journal) >= KILLS, "the children were killed before acting at all"
    progress = ProgressService(tmp_path / "device")
    try:
        push(progress, MoodlePlatform(moodle_http, token), str(moodle.learner_id), moodle.url)
        assert progress.pending_count() == 0
    finally:
        progress.close()
    for activity, (cmid, name) in targets.items():
        done_here = journal.count(activity)
        seen = views_logged(moodle, cmid, name) - before[cmid]
        print(f"{name}: {done_here} done here, {seen} views on the site")  # for the notes
        assert seen >= done_here, f"{name}: {done_here - seen} action(s) lost"
        assert seen <= done_here + KILLS * BATCH, f"{name}: sent again beyond the batch in flight"
    states = moodle.completion_states()
    assert states[page] == 1 and states[resource] == 1  # set done, never toggled back


def site_files(moodle: MoodleSite, platform: MoodlePlatform, course: str) -> dict[str, Any]:
    """Each of the course's files as the site serves it: asset key -> its SHA-1."""
    manifest = platform.manifest(course).manifest
    assert manifest is not None
    expected = {}
    for asset in manifest.assets():
        answer = requests.get(
            platform.asset_path(asset), verify=str(moodle.certificate), timeout=60
        )
        expected[asset.sha256] = hashlib.sha1(answer.content).hexdigest()
        if asset.check == "etag-sha1":  # a page's text is made when asked: no ETag
            assert answer.headers["ETag"].strip('"') == expected[asset.sha256]
    return expected


def test_killed_downloads_keep_only_the_sites_bytes(
    moodle, moodle_http, token, big_course, tmp_path
):
    reference = course_ref(moodle.url, big_course)
    expected = site_files(moodle, MoodlePlatform(moodle_http, token), reference)
    store = AssetStore(tmp_path / "assets")
    chance = random.Random(24)
    arguments = ["download", str(tmp_path), moodle.url, str(moodle.certificate), token]
    killed = 0
    for _run in range(DOWNLOAD_KILLS):  # 4 MB at 300 kB/s: each kill lands mid-file
        killed += kill_during([*arguments, reference, "300000"], chance, 0.5, 3.5)
        for key, sha1 in expected.items():
            if store.has(key):
                assert hashlib.sha1(store.path(key).read_bytes()).hexdigest() == sha1
    assert killed == DOWNLOAD_KILLS, "a download ended before its kill"
    finished = subprocess.run(
        [sys.executable, "-m", "tests.moodle.crash_child", *arguments, reference, "0"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.stdout.strip() == "done", finished.stderr[-2000:]
    for key, sha1 in expected.items():  # complete, from what the kills left, and right
        assert hashlib.sha1(store.path(key).read_bytes()).hexdigest() == sha1
