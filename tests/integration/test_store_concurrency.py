"""Two Companion processes on one computer share the asset store: real files, real processes,
real HTTP to the sandbox on loopback."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time

from companion.jobs import Control
from companion.store.assets import AssetStore
from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.downloads import Downloader
from tests.integration.test_downloads import audio_asset
from tests.process_helpers import spawn


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[str, str]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out, err


def test_a_commit_racing_another_process_does_not_crash(sandbox, sample_content, tmp_path):
    """The crash of issue 9: process A has verified its partial file and is about to move it
    into place; process B, fetching the same asset, gets there first. B is started at
    exactly that moment, and A goes on once B has finished or is seen waiting for A."""
    asset = audio_asset(sample_content)
    store = AssetStore(tmp_path / "assets")
    client = HttpClient(NetworkConfig(base_url=sandbox.url, retries=0, timeout_seconds=10))
    fetcher = Downloader(client, store)
    real_commit = store.commit
    other: list[subprocess.Popen[str]] = []

    def commit_after_the_other_process(sha256: str, size: int):
        other.append(
            spawn("fetch", str(store.root), sandbox.url, sha256, str(size), env=dict(os.environ))
        )
        assert other[0].stderr is not None
        for line in other[0].stderr:  # ends when B exits
            if "another download" in line:
                break  # B waits for A: A must go on
        return real_commit(sha256, size)

    store.commit = commit_after_the_other_process  # type: ignore[method-assign]
    fetcher.fetch(asset, Control.new())
    out, _ = finish(other[0])
    assert store.has(asset.sha256)
    assert (
        store.path(asset.sha256).read_bytes()
        == sample_content.asset_path(asset.sha256).read_bytes()
    )
    assert json.loads(out) == {"bytes_fetched": 0}  # B found A's work done
    assert not list(store.partial_dir.iterdir())


COURSE = "securite-chantier"  # nine files, one of them 128 kB of audio


def course_assets(sample_content, course_id: str) -> dict[str, int]:
    manifest = sample_content.courses[course_id].manifest
    return {
        block["asset"]["sha256"]: block["asset"]["size"]
        for part in manifest["parts"]
        for chapter in part["chapters"]
        for block in chapter["blocks"]
        if block.get("asset")
    }


def test_two_processes_download_the_same_course_at_once(
    platform_env, companion_home, sample_content, tmp_path
):
    """Two profiles of one OS account (two app windows, or the app and a prefetch) fetch the
    same course over a slow link into the one shared asset folder."""
    platform_env.faults.set(latency_ms=150, bandwidth_bps=40_000, path_prefix="/v1/assets")
    go = tmp_path / "go"
    processes = [
        spawn("--go", str(go), "download", profile, COURSE, env=dict(os.environ))
        for profile in ("alice", "bob")
    ]
    time.sleep(0.2)
    go.touch()  # both start together, after their imports
    outputs = [finish(process) for process in processes]
    wanted = course_assets(sample_content, COURSE)
    store = AssetStore(companion_home / "cache" / "assets")
    try:
        for sha256, size in wanted.items():
            path = store.path(sha256)
            assert path.stat().st_size == size
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
        assert not list(store.partial_dir.iterdir())  # no partial file, no lock left
        assert platform_env.faults.injected == len(wanted)  # each file on the wire once
        assert any("being fetched by another download" in err for _out, err in outputs)
        for profile in ("alice", "bob"):
            assert set(store.course_bytes(profile)) == {COURSE}
        assert store.used_bytes() == sum(wanted.values())
    finally:
        store.db.close()


def test_two_processes_writing_the_asset_database_wait_their_turn(tmp_path):
    """SQLite's busy timeout, not 'database is locked': two processes open a new assets.db
    at the same moment (both migrate it) and write to it as fast as they can."""
    go = tmp_path / "go"
    root = tmp_path / "assets"
    processes = [
        spawn("--go", str(go), "write-rows", str(root), writer, "300", env=dict(os.environ))
        for writer in ("one", "two")
    ]
    time.sleep(0.2)
    go.touch()
    for process in processes:
        out, err = finish(process)
        assert out.strip() == "written" and "damaged" not in err
    store = AssetStore(root)
    try:
        assert len(store.db.read("SELECT * FROM holdings")) == 14
        assert not list(root.glob("assets.db.damaged-*"))
    finally:
        store.db.close()
