"""Ralph as a pytest fixture: one process for the session, emptied for each test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.platform_v1 import PlatformV1
from tests.ralph import server as ralph_server
from tests.sync_helpers import StaticToken


class Ralph:
    """The running store: its xAPI address, and what it holds (read from its file)."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        self.file = data_dir / "fs_lrs.jsonl"

    def stored(self) -> list[dict[str, object]]:
        if not self.file.exists():
            return []
        return [json.loads(line) for line in self.file.read_text().splitlines() if line]

    def count(self) -> int:
        ids = [s["id"] for s in self.stored()]
        assert len(ids) == len(set(ids)), "a statement stored twice"
        return len(ids)

    def clear(self) -> None:
        self.file.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def _ralph_process(_sandbox_server, tmp_path_factory) -> Iterator[Ralph]:
    data = tmp_path_factory.mktemp("ralph")
    from tests.conftest import unused_port

    if not ralph_server.available():
        pytest.skip("Ralph is installed by scripts/setup.sh dev")
    with ralph_server.running_ralph(_sandbox_server.url, data, unused_port()) as url:
        yield Ralph(url, data)


@pytest.fixture
def ralph(_ralph_process: Ralph, sandbox) -> Ralph:
    """Ralph emptied, and the sandbox issuing JWT access tokens Ralph accepts."""
    _ralph_process.clear()
    sandbox.oidc.jwt_access_tokens = True
    sandbox.oidc.access_token_audience = ralph_server.AUDIENCE
    return _ralph_process


def ralph_api(sandbox, ralph: Ralph, login: str = "camille") -> PlatformV1:
    token = sandbox.oidc.issue_token_for(sandbox.learners.records[login], sandbox.url)
    client = HttpClient(NetworkConfig(base_url=sandbox.url, retries=0, timeout_seconds=10))
    return PlatformV1(client, StaticToken(token)).with_lrs(ralph.url)
