"""Companion work run in a separate Python process, for tests of two processes at once.

``python -m tests.process_helpers COMMAND ...`` (from the repository root). Each command
logs to stderr at INFO and, when a ``--go FILE`` is given, waits for that file to exist
before starting, so two processes begin their work at the same moment.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def spawn(*arguments: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start a helper; its stdout and stderr are text pipes."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.process_helpers", *arguments],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_go(go: str | None) -> None:
    if go is None:
        return
    deadline = time.monotonic() + 60
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.01)


def fetch(root: str, url: str, sha256: str, size: int, go: str | None) -> None:
    """One asset into the store at ``root`` with a bare Downloader."""
    from companion.domain import Asset
    from companion.jobs import Control
    from companion.store.assets import AssetStore
    from companion.sync.client import HttpClient, NetworkConfig
    from companion.sync.downloads import Downloader

    store = AssetStore(Path(root))
    client = HttpClient(NetworkConfig(base_url=url, retries=0, timeout_seconds=10))
    fetcher = Downloader(client, store)
    wait_for_go(go)
    fetcher.fetch(Asset(sha256, size, "application/octet-stream"), Control.new())
    print(json.dumps({"bytes_fetched": fetcher.bytes_fetched}), flush=True)


def download(profile: str, course_id: str, go: str | None) -> None:
    """A whole course through the profile's LibraryService (COMPANION_HOME from the env)."""
    from companion.app.context import AppContext
    from companion.jobs import Control

    context = AppContext.create(profile, console_log=True)  # the log to stderr
    try:
        library = context.library()
        wait_for_go(go)
        report = library.download(course_id, Control.new())
        print(json.dumps({"fetched_assets": report.fetched_assets}), flush=True)
    finally:
        context.close()


def hold(profile: str) -> None:
    """Open a profile as the app does, say so, and keep it open until killed."""
    from companion.app.context import AppContext

    AppContext.create(profile)
    print("opened", flush=True)
    time.sleep(3600)


def write_rows(root: str, writer: str, count: int, go: str | None) -> None:
    """``count`` small write transactions on the shared assets.db, as fast as possible."""
    from companion.store.assets import AssetStore

    wait_for_go(go)
    store = AssetStore(Path(root))  # after the go: both may create and migrate it
    for number in range(count):
        store.hold(writer, f"course-{number % 7}", [f"{number % 16:x}" * 64])
        store.touch(writer, f"course-{number % 7}")
    print("written", flush=True)


def main() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    parser = argparse.ArgumentParser()
    parser.add_argument("--go")
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("fetch")
    for name in ("root", "url", "sha256"):
        one.add_argument(name)
    one.add_argument("size", type=int)
    course = commands.add_parser("download")
    course.add_argument("profile")
    course.add_argument("course_id")
    commands.add_parser("hold").add_argument("profile")
    rows = commands.add_parser("write-rows")
    rows.add_argument("root")
    rows.add_argument("writer")
    rows.add_argument("count", type=int)
    args = parser.parse_args()
    if args.command == "fetch":
        fetch(args.root, args.url, args.sha256, args.size, args.go)
    elif args.command == "download":
        download(args.profile, args.course_id, args.go)
    elif args.command == "hold":
        hold(args.profile)
    else:
        write_rows(args.root, args.writer, args.count, args.go)


if __name__ == "__main__":
    main()
