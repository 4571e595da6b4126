"""Run benchmarks by name: python -m tests.bench startup [options]."""

import sys

from tests.bench import (
    bench_chapter,
    bench_library,
    bench_moodle,
    bench_proxy,
    bench_ralph,
    bench_scale,
    bench_startup,
    bench_sync,
)
from tests.reliability import crash


def performance(argv: list[str]) -> int:
    """Issue 14's figures in one run: start-up and memory, then the download."""
    runs = argv[argv.index("--runs") + 1] if "--runs" in argv else "9"
    status = bench_startup.main(["--runs", runs])
    return status or bench_library.main(["--only", "throughput", "--runs", "7"])


BENCHMARKS = {
    "performance": performance,
    "startup": bench_startup.main,
    "library": bench_library.main,
    "chapter": bench_chapter.main,
    "sync": bench_sync.main,
    "proxy": bench_proxy.main,
    "ralph": bench_ralph.main,
    "scale": bench_scale.main,
    "moodle": bench_moodle.main,
    "crash": crash.main,
}

if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in BENCHMARKS:
        raise SystemExit(f"usage: python -m tests.bench {{{'|'.join(BENCHMARKS)}}} [options]")
    raise SystemExit(BENCHMARKS[name](sys.argv[2:]))
