"""The process tests/moodle/test_moodle_crash.py kills: Companion's own services acting on a
real Moodle, until SIGKILL.

    python -m tests.moodle.crash_child act HOME SITE CA TOKEN USER_ID RUN ACTIVITY...
    python -m tests.moodle.crash_child download HOME SITE CA TOKEN COURSE_REF BYTES_PER_S

``act`` records chapter completions one by one on the given activities (in turn), each
journaled once committed, and pushes every few; ``download`` fetches the course's files
into HOME/assets at a bounded speed, so a kill lands mid-file.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path


def _platform(site: str, ca: str, token: str):
    from companion.sync.client import HttpClient, NetworkConfig
    from companion.sync.moodle import MoodlePlatform

    http = HttpClient(NetworkConfig(base_url=site, proxy="none", ca_bundle=ca, retries=0))
    return http, MoodlePlatform(http, token)


def act(home: Path, site: str, ca: str, token: str, user_id: str, run: str, *targets: str) -> None:
    from companion.domain import Chapter
    from companion.errors import UserFacingError
    from companion.services.progress import ProgressService
    from companion.sync.outbox import push

    _http, platform = _platform(site, ca, token)
    progress = ProgressService(home / "device")
    with (home / "journal").open("a", encoding="utf-8") as journal:
        for number in range(1_000_000):
            activity = targets[number % len(targets)]
            progress.complete_chapter("c", Chapter(f"r{run}-{number}", "Chapitre", (), activity))
            journal.write(activity + "\n")
            journal.flush()
            os.fsync(journal.fileno())
            if number % 3 == 2:
                with contextlib.suppress(UserFacingError):
                    push(progress, platform, user_id, site, batch=2)


def download(home: Path, site: str, ca: str, token: str, course: str, rate: str) -> None:
    from companion.jobs import Control
    from companion.store.assets import AssetStore
    from companion.sync.download_pace import Throttle
    from companion.sync.downloads import Downloader

    http, platform = _platform(site, ca, token)
    manifest = platform.manifest(course).manifest
    assert manifest is not None
    fetcher = Downloader(
        http,
        AssetStore(home / "assets"),
        locate=platform.asset_path,
        throttle=Throttle(int(rate)),
    )
    fetcher.fetch_all(list(manifest.assets()), Control.new())
    print("done", flush=True)


if __name__ == "__main__":
    command, home, *rest = sys.argv[1:]
    if command == "act":
        act(Path(home), *rest[:5], *rest[5:])
    else:
        download(Path(home), *rest[:5])
