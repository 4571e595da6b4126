"""Progress sync benchmarks (issue 5).

    scripts/run-bench sync [--statements 10000]

1. Pushing N queued statements with the outbox push (batches of 500) against one request
   per statement, in the same run, to a sandbox running in its own process.
2. Pulling and merging N statements made on another device.
3. The longest GUI event-loop stall while the app's sync engine pushes N statements and
   pulls N others (a 2 ms timer on the GUI thread; the sandbox in its own process).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from companion import xapi
from companion.services.progress import ProgressService
from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.outbox import push
from companion.sync.platform_v1 import PlatformV1
from companion.sync.pull import pull
from tests.bench.bench_library import SandboxProcess
from tests.bench.harness import GapProbe, machine
from tests.sync_helpers import HOME, StaticToken, complete_chapters


def sign_in(url: str) -> str:
    """The device flow against the sandbox process, approved by a scripted browser."""
    from tests.auth_helpers import approve_device

    codes = requests.post(
        f"{url}/oauth/device_authorization",
        timeout=10,
        data={"client_id": "companion-desktop", "scope": "openid"},
    ).json()
    approve_device(codes["verification_uri_complete"], "camille")
    while True:
        answer = requests.post(
            f"{url}/oauth/token",
            timeout=10,
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "device_code": codes["device_code"],
                "client_id": "companion-desktop",
            },
        ).json()
        if "access_token" in answer:
            return str(answer["access_token"])
        time.sleep(codes.get("interval", 5))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=10_000)
    args = parser.parse_args(argv)
    server = SandboxProcess()
    try:
        token = sign_in(server.url)
        client = HttpClient(NetworkConfig(base_url=server.url, retries=0))
        api = PlatformV1(client, StaticToken(token))
        with tempfile.TemporaryDirectory() as folder:
            service = complete_chapters(ProgressService(Path(folder) / "batched"), args.statements)
            started = time.perf_counter()
            report = push(service, api, "u-1001", HOME)
            batched = time.perf_counter() - started
            assert report.sent == args.statements and service.pending_count() == 0
            other_device = ProgressService(Path(folder) / "other-device")
            started = time.perf_counter()
            pulled, syncs = 0, 0
            while fresh := pull(other_device, api, "u-1001", HOME):  # a pull is bounded
                pulled, syncs = pulled + fresh, syncs + 1
            pulling = time.perf_counter() - started
            assert pulled == args.statements, pulled
            completed = len(other_device.completed_activities())
            single = complete_chapters(ProgressService(Path(folder) / "single"), args.statements)
            sample = single.take(args.statements, "u-1001")[: min(500, args.statements)]
            started = time.perf_counter()
            for _statement_id, statement in sample:  # one request each, timed on a sample
                api.post_statements([xapi.with_actor(statement, "u-1001", HOME)])
            per_request = (time.perf_counter() - started) / len(sample)
    finally:
        server.close()
    stalls = []
    for freeze in (False, True):  # baseline first: app.run's heap freeze cannot be undone
        # A platform of its own each: what the rows above stored is not pulled here.
        server = SandboxProcess()
        try:
            token = sign_in(server.url)
            api = PlatformV1(HttpClient(NetworkConfig(base_url=server.url)), StaticToken(token))
            with tempfile.TemporaryDirectory() as folder:
                stalls.append(
                    gui_stall_during_sync(server.url, api, args.statements, Path(folder), freeze)
                )
        finally:
            server.close()
    one_by_one = per_request * args.statements
    print(f"machine: {machine()}")
    print("| measure | one request per statement | batched push | ratio | aim |")
    print("|---|---|---|---|---|")
    print(
        f"| push {args.statements} queued statements | {one_by_one:.1f} s (extrapolated from "
        f"{len(sample)} requests, {per_request * 1000:.1f} ms each) | {batched:.2f} s | "
        f"{one_by_one / batched:.0f}× faster | ≥ 20× and < 2 s |"
    )
    print(
        f"| pull and merge {args.statements} statements made on another device | — | "
        f"{pulling:.2f} s in {syncs} bounded pulls and a last one that finds nothing new "
        f"({completed} completed chapters derived) | — | < 2 s per 10,000 |"
    )
    for stall in stalls:
        print(stall)
    return 0


def known(context: Any) -> int:
    return int(context.progress().db.read("SELECT COUNT(*) FROM known_statements")[0][0])


def gui_stall_during_sync(
    url: str, api: PlatformV1, count: int, scratch: Path, freeze: bool
) -> str:
    """The window open, the engine syncing ``count`` statements each way; a 2 ms timer on
    the GUI thread records every gap in its ticks."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = scratch / ("frozen" if freeze else "baseline")
    os.environ["COMPANION_HOME"] = str(scratch / "gui-home")
    os.environ["COMPANION_PLATFORM_API_URL"] = url
    from companion.app.context import AppContext
    from companion.sync_status import Phase
    from tests.auth_helpers import approve_device

    from companion.ui.app import create_application, settle_heap
    from companion.ui.main_window import MainWindow

    context = AppContext.create()
    device = context.account.start_device_sign_in()
    approve_device(device.verification_uri_complete or device.verification_uri, "camille")
    context.account.finish_device_sign_in(device, threading.Event())
    app = create_application(sys.argv)
    window = MainWindow(context)
    window.show()
    window.start()
    if freeze:
        settle_heap()  # as companion.ui.app.run does

    def synced() -> bool:
        status = window.sync_indicator.status
        return status is not None and status.phase is Phase.IDLE and status.pending == 0

    def run_until(done: Callable[[], bool]) -> float:
        started = time.monotonic()
        while not done() and time.monotonic() - started < 120:
            app.processEvents()
            time.sleep(0.001)
        return time.monotonic() - started

    run_until(lambda: (engine := context.sync) is not None and engine.syncs > 0 and synced())
    # Only now the work: another device's statements to pull, this device's to push.
    assert context.sync is not None
    context.sync.debounce = 3600  # the sync measured is the one asked for below
    # As the app's own account names the learner (its issuer), or the app pulls none of them.
    issuer = context.connection.issuer()
    push(complete_chapters(ProgressService(scratch / "other"), count), api, "u-1001", issuer)
    complete_chapters(context.progress(), count)
    probe = GapProbe()
    probe.start()
    run_until(lambda: len(probe.gaps) > 50)  # settle
    probe.restart()
    assert context.sync is not None
    before = context.sync.syncs
    known_before = known(context)
    window.sync_now()
    took = run_until(lambda: context.sync is not None and context.sync.syncs > before and synced())
    probe.stop()
    window.close()
    window.deleteLater()
    app.processEvents()
    pulled = known(context) - known_before
    context.close()
    return (
        f"| GUI event loop while the engine pushes {count} and pulls {pulled} statements, "
        f"{'with' if freeze else 'without'} the start-up heap freeze "
        f"({len(probe.gaps)} ticks of a 2 ms timer, sync took {took:.1f} s) | "
        f"{probe.summary()} | < 50 ms |"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
