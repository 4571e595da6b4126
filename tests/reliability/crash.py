"""Crash consistency under SIGKILL: actions recorded and synced, and courses downloaded, by a
process killed at random moments, again and again, on the same profile (issue 12).

    python -m tests.reliability.crash --kills 200          (or scripts/run-bench crash)

After every kill the files are checked as the next start would find them: the progress
database passes its integrity check, every file in the course store has the bytes its name
promises. At the end, one clean sync, then: every action the killed processes recorded
(journaled after its commit) is on the platform (none lost), each exactly once (none
duplicated), the outbox is empty; and a clean download completes. A short run is part of
the test suite (tests/integration/test_crash_consistency.py).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOME = "https://plateforme.sandbox.companion.test"
COURSE = "securite-chantier"


@dataclass
class Outcome:
    kills: int = 0
    actions: int = 0  # journaled by the killed processes
    stored: int = 0  # statements on the platform at the end
    lost: int = 0
    duplicated: int = 0
    bad_files: int = 0
    damaged_databases: int = 0
    download_kills: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.bad_files or self.damaged_databases)


# --- the process that gets killed ----------------------------------------------------------


def act_and_sync(home: Path, url: str, token: str, run: int) -> None:
    """Record actions one by one (each journaled once committed), pushing every few."""
    from companion.domain import Chapter
    from companion.errors import UserFacingError
    from companion.services.progress import ProgressService
    from companion.sync.client import HttpClient, NetworkConfig
    from companion.sync.outbox import push
    from companion.sync.platform_v1 import PlatformV1
    from tests.sync_helpers import StaticToken

    progress = ProgressService(home / "device")
    api = PlatformV1(HttpClient(NetworkConfig(base_url=url, retries=0)), StaticToken(token))
    with (home / "journal").open("a", encoding="utf-8") as journal:
        for number in range(1_000_000):
            activity = f"{HOME}/xapi/activities/courses/c/chapters/r{run}-{number}"
            progress.complete_chapter("c", Chapter(f"r{run}-{number}", "Chapitre", (), activity))
            journal.write(activity + "\n")
            journal.flush()
            os.fsync(journal.fileno())
            if number % 7 == 6:
                with contextlib.suppress(UserFacingError):
                    push(progress, api, "u-1001", HOME, batch=5)


def download(home: Path, url: str) -> None:
    from companion.jobs import Control
    from companion.store.assets import AssetStore
    from companion.sync.client import HttpClient, NetworkConfig
    from companion.sync.downloads import Downloader
    from companion.sync.platform_v1 import PlatformV1

    client = HttpClient(NetworkConfig(base_url=url, retries=0))
    manifest = PlatformV1(client).manifest(COURSE).manifest
    assert manifest is not None
    store = AssetStore(home / "assets")
    fetcher = Downloader(client, store)
    for asset in _assets(manifest):
        fetcher.fetch(asset, Control.new())


def _assets(manifest):
    for part in manifest.parts:
        for chapter in part.chapters:
            for block in chapter.blocks:
                if block.asset is not None:
                    yield block.asset


# --- the harness -----------------------------------------------------------------------------


def run(kills: int, download_kills: int, folder: Path, seed: int = 0) -> Outcome:
    from companion.sandbox.server import SandboxServer

    chance = random.Random(seed)
    outcome = Outcome()
    with SandboxServer(cache_root=folder / "sandbox-cache") as sandbox:
        token = sandbox.oidc.issue_token_for(sandbox.learners.records["camille"], sandbox.url)
        for number in range(kills):
            _kill_once(["act", str(folder), sandbox.url, token, str(number)], chance, 0.2, 1.2)
            outcome.kills += 1
            _check_progress(folder, outcome)
        sandbox.faults.set(bandwidth_bps=400_000, path_prefix="/v1/assets")
        for _number in range(download_kills):
            _kill_once(["download", str(folder), sandbox.url], chance, 0.1, 1.0)
            outcome.download_kills += 1
            _check_files(folder / "assets", outcome)
        sandbox.faults.clear()
        _finish(folder, sandbox, token, outcome)
    return outcome


def _kill_once(arguments: list[str], chance: random.Random, low: float, high: float) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.crash", "--child", *arguments],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stderr=subprocess.DEVNULL,
    )
    time.sleep(chance.uniform(low, high))
    process.send_signal(signal.SIGKILL)  # no clean-up of any kind
    process.wait(30)


def _check_progress(folder: Path, outcome: Outcome) -> None:
    from companion.services.progress import ProgressService

    try:
        ProgressService(folder / "device").close()  # integrity check and migrations
    except Exception as error:  # the whole point: count it, keep going
        outcome.damaged_databases += 1
        outcome.notes.append(f"progress.db after kill {outcome.kills}: {error}")


def _check_files(assets: Path, outcome: Outcome) -> None:
    if not assets.is_dir():
        return
    for path in assets.rglob("*"):
        name = path.name
        named = len(name) == 64 and all(c in "0123456789abcdef" for c in name)
        if path.is_file() and named and hashlib.sha256(path.read_bytes()).hexdigest() != name:
            outcome.bad_files += 1
            outcome.notes.append(f"{name}: bytes differ from the name")


def _finish(folder: Path, sandbox, token: str, outcome: Outcome) -> None:
    from companion.services.progress import ProgressService
    from companion.sync.client import HttpClient, NetworkConfig
    from companion.sync.outbox import push
    from companion.sync.platform_v1 import PlatformV1
    from tests.sync_helpers import StaticToken

    api = PlatformV1(HttpClient(NetworkConfig(base_url=sandbox.url, retries=0)), StaticToken(token))
    if outcome.kills:
        progress = ProgressService(folder / "device")
        push(progress, api, "u-1001", HOME)
        if progress.pending_count():
            outcome.notes.append(f"{progress.pending_count()} still queued after a clean sync")
        progress.close()
        journal = (folder / "journal").read_text(encoding="utf-8").split()
        stored = [s["object"]["id"] for s in sandbox.statements.since("u-1001", 0, 10**9)[0]]
        counts = Counter(stored)
        outcome.actions = len(journal)
        outcome.stored = len(stored)
        outcome.lost = sum(1 for activity in journal if activity not in counts)
        outcome.duplicated = sum(n - 1 for n in counts.values() if n > 1)
    if outcome.download_kills:
        download(folder, sandbox.url)  # a clean run completes, from what the kills left
        _check_files(folder / "assets", outcome)


def report(outcome: Outcome, seconds: float) -> str:
    return "\n".join(
        [
            f"statement kills: {outcome.kills}, actions journaled: {outcome.actions}, "
            f"statements on the platform: {outcome.stored}",
            f"lost: {outcome.lost}, duplicated: {outcome.duplicated}, "
            f"damaged databases: {outcome.damaged_databases}",
            f"download kills: {outcome.download_kills}, bad files: {outcome.bad_files}",
            f"time: {seconds:.0f} s",
            *outcome.notes[:20],
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--download-kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.child:
        kind, home, url, *rest = args.child
        if kind == "act":
            act_and_sync(Path(home), url, rest[0], int(rest[1]))
        else:
            download(Path(home), url)
        return 0
    import tempfile

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="companion-crash-") as scratch:
        outcome = run(args.kills, args.download_kills, Path(scratch), args.seed)
    print(report(outcome, time.monotonic() - started))
    return 0 if outcome.clean else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
