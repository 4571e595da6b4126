"""`companion sandbox`: the demo platform on its own, for trying the app against it, with
faults to inject and a clock to shift."""

from __future__ import annotations

import argparse
import contextlib
import sys

from companion import logs
from companion.sandbox.controlled import run_controlled
from companion.sandbox.faults import parse_cli
from companion.sandbox.server import SandboxServer


def run_sandbox(host: str, port: int, fault_specs: list[str], clock_offset: int = 0) -> int:
    logs.setup(None, "INFO", console=True)
    try:
        plan = parse_cli(fault_specs)
    except ValueError as error:
        print(f"companion sandbox: {error}", file=sys.stderr)
        return 2
    server = SandboxServer(host=host, port=port)
    server.faults.set(plan)
    server.oidc.clock_offset_seconds = clock_offset
    print(f"Sandbox platform on {server.url}  (Ctrl+C to stop)", flush=True)
    if plan.is_active():
        print(f"Faults: {server.faults.as_dict()}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def run(args: argparse.Namespace) -> int:
    if args.controlled:
        return run_controlled(args.host, args.port, args.state_dir)
    return run_sandbox(args.host, args.port, args.fault, args.clock_offset)
