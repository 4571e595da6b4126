"""Two Companion processes on one computer share the asset store: real files, real processes,
real HTTP to the sandbox on loopback."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

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


@pytest.mark.xfail(raises=FileNotFoundError, strict=True, reason="issue 9: the crash")
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
