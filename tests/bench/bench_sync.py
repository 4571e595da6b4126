"""Progress sync benchmarks (issue 5, first rows).

    scripts/run-bench sync [--statements 10000]

Pushing N queued statements with the outbox push (batches of 500) against one request per
statement, in the same run, to a sandbox running in its own process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import requests

from companion import xapi
from companion.services.progress import ProgressService
from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.outbox import push
from companion.sync.platform_v1 import PlatformV1
from companion.sync.pull import pull
from tests.bench.bench_library import SandboxProcess
from tests.bench.harness import machine
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
            pulled = pull(other_device, api)
            pulling = time.perf_counter() - started
            assert pulled == args.statements
            completed = len(other_device.completed_activities())
            single = complete_chapters(ProgressService(Path(folder) / "single"), args.statements)
            sample = single.take(args.statements)[: min(500, args.statements)]
            started = time.perf_counter()
            for _statement_id, statement in sample:  # one request each, timed on a sample
                api.post_statements([xapi.with_actor(statement, "u-1001", HOME)])
            per_request = (time.perf_counter() - started) / len(sample)
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
        f"{pulling:.2f} s ({completed} completed chapters derived) | — | < 2 s |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
