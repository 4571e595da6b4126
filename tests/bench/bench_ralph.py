"""Progress pushed to Ralph, a real learning record store (issue 11).

    scripts/run-bench ralph [--statements 10000] [--sample 300] [--runs 3]

N queued statements go to Ralph with the outbox push (batches of 500) and, in the same
run, one request per statement (timed on a sample, per statement, then scaled to N).
Ralph runs on loopback with its filesystem backend, checking each request's JWT access
token against the sandbox's keys, as in the tests. Medians of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from companion import xapi
from companion.sandbox.server import SandboxServer
from companion.services.progress import ProgressService
from companion.sync.outbox import push
from tests.bench.harness import machine
from tests.conftest import unused_port
from tests.ralph import server as ralph_server
from tests.ralph.fixtures import Ralph, ralph_api
from tests.sync_helpers import HOME, complete_chapters


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not ralph_server.available():
        raise SystemExit("Ralph is not installed: run scripts/setup.sh dev")
    with tempfile.TemporaryDirectory() as scratch, SandboxServer() as sandbox:
        sandbox.oidc.jwt_access_tokens = True
        sandbox.oidc.access_token_audience = ralph_server.AUDIENCE
        data = Path(scratch) / "ralph"
        data.mkdir()
        with ralph_server.running_ralph(sandbox.url, data, unused_port()) as url:
            ralph = Ralph(url, data)
            batched, single = [], []
            for run in range(args.runs):
                batched.append(_batched(sandbox, ralph, args.statements, Path(scratch) / f"b{run}"))
                single.append(_one_each(sandbox, ralph, args.sample, Path(scratch) / f"s{run}"))
    per_statement = statistics.median(single)
    one_each = per_statement * args.statements
    pushed = statistics.median(batched)
    print(f"machine: {machine()}")
    print(f"Ralph {ralph_server.version()}, filesystem backend, OIDC (JWT access tokens)")
    print("| measure | one request per statement | batched push (500) | ratio |")
    print("|---|---|---|---|")
    print(
        f"| {args.statements} statements to Ralph, median of {args.runs} "
        f"| {one_each:.1f} s ({per_statement * 1000:.1f} ms each, sample of {args.sample}) "
        f"| {pushed:.2f} s | {one_each / pushed:.0f}× |"
    )
    return 0


def _batched(sandbox: SandboxServer, ralph: Ralph, count: int, folder: Path) -> float:
    ralph.clear()
    device = complete_chapters(ProgressService(folder), count)
    started = time.perf_counter()
    report = push(device, ralph_api(sandbox, ralph), "u-1001", HOME)
    elapsed = time.perf_counter() - started
    assert report.sent == count and ralph.count() == count, report
    device.close()
    return elapsed


def _one_each(sandbox: SandboxServer, ralph: Ralph, count: int, folder: Path) -> float:
    ralph.clear()
    device = complete_chapters(ProgressService(folder), count)
    api = ralph_api(sandbox, ralph)
    statements = [xapi.with_actor(s, "u-1001", HOME) for _, s in device.take(count, "u-1001")]
    started = time.perf_counter()
    for statement in statements:
        api.post_statements([statement])
    elapsed = time.perf_counter() - started
    assert ralph.count() == count
    device.close()
    return elapsed / count
