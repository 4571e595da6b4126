"""Resumable, verified downloads from the sandbox over real HTTP, under injected faults."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time

import pytest

from companion.domain import Asset
from companion.errors import Cancelled, UserFacingError
from companion.jobs import Control
from companion.store.assets import AssetStore
from companion.sync.client import HttpClient, NetworkConfig, PlatformUnreachable
from companion.sync.download_pace import Throttle
from companion.sync.downloads import CorruptDownload, Downloader, RetryPolicy
from tests.conftest import unused_port


def audio_asset(sample_content) -> Asset:
    for course in sample_content.courses.values():
        for part in course.manifest["parts"]:
            for chapter in part["chapters"]:
                for block in chapter["blocks"]:
                    if block["type"] == "audio":
                        a = block["asset"]
                        return Asset(a["sha256"], a["size"], a["media_type"])
    raise AssertionError("no audio sample")


@pytest.fixture
def store(tmp_path) -> AssetStore:
    return AssetStore(tmp_path / "assets")


def downloader(url: str, store: AssetStore, **options) -> tuple[Downloader, list[float]]:
    pauses: list[float] = []
    client = HttpClient(NetworkConfig(base_url=url, retries=0, timeout_seconds=5))
    return Downloader(client, store, sleep=pauses.append, **options), pauses


def test_a_whole_file_is_verified_then_made_visible(sandbox, sample_content, store):
    asset = audio_asset(sample_content)
    fetcher, _ = downloader(sandbox.url, store)
    seen: list[int] = []
    fetcher.fetch(asset, Control.new(), seen.append)
    assert store.path(asset.sha256).read_bytes()[:4] == b"RIFF"
    assert sum(seen) == asset.size == fetcher.bytes_fetched
    assert not list(store.partial_dir.iterdir())


def test_a_cut_download_resumes_where_it_stopped(sandbox, sample_content, store):
    asset = audio_asset(sample_content)
    sandbox.faults.set(drop_after_bytes=50_000, path_prefix="/v1/assets", times=1)
    fetcher, pauses = downloader(sandbox.url, store)
    fetcher.fetch(asset, Control.new())
    assert store.has(asset.sha256)
    assert sandbox.faults.injected == 1 and len(pauses) == 1
    assert fetcher.bytes_fetched == asset.size  # nothing fetched twice


def test_corrupted_bytes_are_never_shown_and_fetched_again(sandbox, sample_content, store):
    asset = audio_asset(sample_content)
    sandbox.faults.set(corrupt=True, path_prefix="/v1/assets", times=1)
    fetcher, _ = downloader(sandbox.url, store)
    fetcher.fetch(asset, Control.new())
    assert store.has(asset.sha256)
    assert fetcher.bytes_fetched == 2 * asset.size


def test_bytes_that_never_match_end_in_a_clear_error(sandbox, sample_content, store):
    asset = audio_asset(sample_content)
    sandbox.faults.set(corrupt=True, path_prefix="/v1/assets")
    fetcher, _ = downloader(sandbox.url, store)
    with pytest.raises(CorruptDownload, match="damaged"):
        fetcher.fetch(asset, Control.new())
    assert not store.has(asset.sha256)
    assert not store.partial_path(asset.sha256).exists()


def test_503_with_retry_after_is_honoured(sandbox, sample_content, store):
    asset = audio_asset(sample_content)
    sandbox.faults.set(status=503, retry_after=2, path_prefix="/v1/assets", times=2)
    fetcher, pauses = downloader(sandbox.url, store)
    fetcher.fetch(asset, Control.new())
    assert pauses == [2.0, 2.0] and store.has(asset.sha256)


def test_server_gone(store, sample_content):
    asset = audio_asset(sample_content)
    fetcher, pauses = downloader(f"http://127.0.0.1:{unused_port()}", store)
    with pytest.raises(PlatformUnreachable):
        fetcher.fetch(asset, Control.new())
    assert len(pauses) == fetcher.retry.attempts - 1
    assert pauses == sorted(pauses) or max(pauses) <= fetcher.retry.max_delay  # backoff


def test_pause_then_cancel_keeps_the_partial_file(sandbox, sample_content, store):
    asset = audio_asset(sample_content)
    sandbox.faults.set(bandwidth_bps=40_000, path_prefix="/v1/assets")
    fetcher, _ = downloader(sandbox.url, store)
    control = Control.new()
    errors = []

    def run():
        try:
            fetcher.fetch(asset, control)
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    partial = store.partial_path(asset.sha256)
    deadline = time.monotonic() + 10
    while not (partial.exists() and partial.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    control.resumed.clear()
    size_when_paused = partial.stat().st_size
    time.sleep(0.5)
    assert partial.stat().st_size - size_when_paused <= 64 * 1024  # at most the block in hand
    control.cancelled.set()
    worker.join(10)
    assert isinstance(errors[0], Cancelled)
    assert partial.exists() and not store.has(asset.sha256)
    kept = partial.stat().st_size
    sandbox.faults.clear()
    resumed, _ = downloader(sandbox.url, store)
    resumed.fetch(asset, Control.new())
    assert resumed.bytes_fetched == asset.size - kept  # the paused part is not fetched again


def test_a_download_killed_with_sigkill_resumes_after_restart(
    sandbox, sample_content, store, tmp_path
):
    asset = audio_asset(sample_content)
    sandbox.faults.set(bandwidth_bps=30_000, path_prefix="/v1/assets")
    script = (
        "import sys;"
        "from companion.domain import Asset;"
        "from companion.store.assets import AssetStore;"
        "from companion.sync.client import HttpClient, NetworkConfig;"
        "from companion.jobs import Control; from companion.sync.downloads import Downloader;"
        f"store = AssetStore(__import__('pathlib').Path({str(store.root)!r}));"
        f"asset = Asset({asset.sha256!r}, {asset.size}, 'audio/wav');"
        f"client = HttpClient(NetworkConfig(base_url={sandbox.url!r}, retries=0));"
        "Downloader(client, store).fetch(asset, Control.new())"
    )
    process = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ))
    partial = store.partial_path(asset.sha256)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (
        partial.exists() and partial.stat().st_size > 40_000
    ):
        time.sleep(0.05)
    process.kill()  # SIGKILL: no clean-up of any kind
    process.wait(10)
    kept = partial.stat().st_size
    assert 0 < kept < asset.size
    sandbox.faults.clear()
    fetcher, _ = downloader(sandbox.url, store)
    fetcher.fetch(asset, Control.new())
    assert store.has(asset.sha256)
    assert fetcher.bytes_fetched == asset.size - kept


def test_bandwidth_cap(sandbox, sample_content, store):
    asset = audio_asset(sample_content)
    fetcher, _ = downloader(sandbox.url, store, throttle=Throttle(100_000))
    started = time.monotonic()
    fetcher.fetch(asset, Control.new())
    assert time.monotonic() - started >= asset.size / 100_000 * 0.8  # a floor, never a ceiling


def test_a_full_disk_is_reported_and_loses_nothing(sandbox, sample_content, tmp_path):
    asset = audio_asset(sample_content)
    small = tmp_path / "small-disk"
    small.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(small)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("needs root to mount a small file system")
    store = None
    try:
        store = AssetStore(small)
        filler = small / "filler"
        filler.write_bytes(b"\0" * (256 * 1024 - 90_000))  # leave less than the asset
        fetcher, _ = downloader(sandbox.url, store)
        with pytest.raises(UserFacingError, match="not enough free space"):
            fetcher.fetch(asset, Control.new())
        assert not store.has(asset.sha256)
        filler.unlink()
        fetcher.fetch(asset, Control.new())  # room again: it completes
        assert store.has(asset.sha256)
    finally:
        if store is not None:
            store.db.close()  # an open database keeps the file system busy
        subprocess.run(["umount", str(small)], check=False)


def test_digests_from_a_manifest_cannot_name_a_path(store):
    for hostile in ("../../etc/passwd", "a" * 63 + "/", "/absolute", "AB" * 32):
        with pytest.raises(ValueError):
            store.path(hostile)


def test_every_cut_keeps_the_bytes_it_delivered(sandbox, sample_content, store):
    """Issue 12: with every answer cut at 50 kB, a file of several times that still
    completes, each resume starting after the last byte received (a 64 KiB block held
    back and thrown away at each cut made it never complete)."""
    asset = audio_asset(sample_content)
    assert asset.size > 2 * 50_000
    sandbox.faults.set(drop_after_bytes=50_000, path_prefix="/v1/assets")
    fetcher, pauses = downloader(sandbox.url, store)
    fetcher.fetch(asset, Control.new())
    assert store.has(asset.sha256)
    assert fetcher.bytes_fetched == asset.size  # not one byte fetched twice
    assert len(pauses) == asset.size // 50_000


def test_a_trickling_download_is_given_up_and_keeps_what_arrived(store):
    """Read timeouts start again at every byte: a file sent a few bytes a second used to
    hold its download, and a worker, for as long as the server liked."""
    from companion.sync.download_pace import StallGuard
    from tests.hostile_server import HostileServer

    body = bytes(range(256)) * 40  # 10 KiB
    asset = Asset(hashlib.sha256(body).hexdigest(), len(body), "application/pdf")

    def trickle(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for offset in range(0, len(body), 50):  # 50 bytes every 0.2 s: 250 B/s
            handler.wfile.write(body[offset : offset + 50])
            handler.wfile.flush()
            if not handler.wait(0.2):
                return

    server = HostileServer().start()
    server.answers["/v1/assets/"] = trickle
    try:
        fetcher, _ = downloader(
            server.url,
            store,
            stall=StallGuard(window=1.0, floor=2_000),
            retry=RetryPolicy(attempts=6, base_delay=0.01),
        )
        started = time.monotonic()
        with pytest.raises(PlatformUnreachable, match="too slow"):
            fetcher.fetch(asset, Control.new())
        # One window, not one per try (issue 24: 6 tries of a minute, 6 min 12 s); the
        # trickle alone would take 40 s.
        assert time.monotonic() - started < 2.5
        assert store.partial_path(asset.sha256).stat().st_size > 0  # what arrived is kept
    finally:
        server.stop()


def test_cancelling_ends_a_pause_between_retries_at_once(sample_content, store):
    """Issue 24: quitting during a download against a platform already gone left the
    process retrying for about 15 s; the pause between tries now ends with the job."""
    asset = audio_asset(sample_content)
    client = HttpClient(NetworkConfig(base_url=f"http://127.0.0.1:{unused_port()}", retries=0))
    fetcher = Downloader(client, store, retry=RetryPolicy(base_delay=30.0, max_delay=30.0))
    control = Control.new()
    threading.Timer(0.5, control.cancelled.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        fetcher.fetch(asset, control)
    assert time.monotonic() - started < 1.5
