"""A fleet behind one proxy (issue 9): what reaches the platform.

    scripts/run-bench proxy [--clients 20] [--runs 3] [--origin-kbps 1000]

The platform (the sandbox, in its own process, counting the body bytes it serves) offers
an 18 MB course of short videos, its course files capped at ``--origin-kbps`` kB/s per
answer like a distant server. A real Squid (the Debian package) listens on loopback; the
clients are separate processes running ``companion prefetch`` with the proxy given through
COMPANION_NETWORK_PROXY and a home folder each (each plays a computer of the centre), so
nothing is shared between them but the proxy. Two scenarios, each with an empty cache:

- **fleet**: ``--clients`` computers start the course at once; one is killed (SIGKILL, as
  a power cut) when 40 % of the course is on its disk, then started again and resumes.
- **cut, then next**: one computer alone is killed at 40 % and resumes; then a second one
  fetches the course.

Each runs behind three Squid configurations, alternated from one run to the next:
Squid's defaults; the defaults plus ``maximum_object_size`` (so that videos can be cached
at all); and packaging/proxy/squid-companion.conf as shipped (only its "site" lines -- port,
cache and log folders, access rules -- are replaced for the loopback). Reported: bytes of
course files the platform served divided by the course's size (aim <= 1.05x).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import tomlkit

from tests.bench.harness import machine

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = ROOT / "packaging" / "proxy" / "squid-companion.conf"
COURSE_ID = "atelier-video"
TEMPLATE = "securite-chantier"
VIDEO_SIZES = (6_000_000, 5_000_000, 4_500_000, 2_400_000)  # with the template: ~18 MB
KILL_AT = 0.4  # of the course's bytes on the killed computer's disk
# The lines of the shipped configuration that belong to the centre, not to Companion.
SITE_DIRECTIVES = {
    "http_port",
    "http_access",
    "cache_dir",
    "coredump_dir",
    "access_log",
    "cache_log",
    "cache_store_log",
    "pid_filename",
    "logfile_rotate",
}
CONFIGS = ("default", "default+size", "companion")
CONFIG_TITLES = {
    "default": "Squid defaults",
    "default+size": "defaults + maximum_object_size",
    "companion": "squid-companion.conf",
}


# --- the course and the platform --------------------------------------------------------


def course_sources(folder: Path) -> Path:
    """The sample course ``securite-chantier`` as ``atelier-video``, plus four videos
    (random bytes: neither Squid nor Companion looks inside)."""
    template = ROOT / "resources" / "sample_courses" / TEMPLATE
    course = folder / COURSE_ID
    shutil.copytree(template, course)
    spec = tomllib.loads((course / "course.toml").read_text(encoding="utf-8"))
    spec["id"] = COURSE_ID
    spec["title"] = "Atelier vidéo"
    chapters = [c for part in spec["parts"] for c in part["chapters"]]
    rng = random.Random(9)
    for index, size in enumerate(VIDEO_SIZES):
        name = f"video-{index + 1}.mp4"
        (course / name).write_bytes(rng.randbytes(size))
        chapter = chapters[index % len(chapters)]
        chapter["markdown"] += f'\n![Vidéo {index + 1}]({name} "Vidéo {index + 1}")\n'
    (course / "course.toml").write_text(tomlkit.dumps(spec), encoding="utf-8")
    return folder


class Platform:
    """The sandbox in its own process, serving the benchmark's course."""

    def __init__(self, sources: Path, cache_root: Path, origin_bps: int, env: dict[str, str]):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.bench.bench_proxy",
                "--serve",
                str(sources),
                str(cache_root),
                str(origin_bps),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the platform did not start: {self.url!r}")

    def _call(self, method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(request, timeout=10) as answer:
            data: dict[str, Any] = json.load(answer)
            return data

    def manifest(self, course_id: str) -> dict[str, Any]:
        return self._call("GET", f"/v1/courses/{course_id}/manifest")

    def traffic(self) -> dict[str, dict[str, int]]:
        return self._call("GET", "/_sandbox/traffic")

    def reset(self) -> None:
        self._call("DELETE", "/_sandbox/traffic")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def serve(sources: str, cache_root: str, origin_bps: str) -> int:
    """The platform process: print its URL, then serve until terminated."""
    from companion.sandbox.content import load_or_build
    from companion.sandbox.server import SandboxServer

    server = SandboxServer(content=load_or_build(Path(sources), Path(cache_root)))
    if int(origin_bps):
        server.faults.set(bandwidth_bps=int(origin_bps), path_prefix="/v1/assets")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.url, flush=True)
    server.serve_forever()
    return 0


# --- Squid ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shipped_lines() -> list[str]:
    return [line.strip() for line in SHIPPED_CONFIG.read_text(encoding="utf-8").splitlines()]


def squid_config(kind: str, folder: Path, port: int) -> str:
    """The configuration ``kind`` with this run's loopback port, cache and log folders."""
    lines = [line for line in shipped_lines() if line and not line.startswith("#")]
    shipped_dir = next(line.split() for line in lines if line.startswith("cache_dir "))
    size_mb = shipped_dir[3]  # "cache_dir ufs <path> <MB> 16 256": the same size for all
    site = [
        f"http_port 127.0.0.1:{port}",
        "http_access allow localhost",
        "http_access deny all",
        f"cache_dir ufs {folder / 'cache'} {size_mb} 16 256",
        f"coredump_dir {folder}",
        f"pid_filename {folder / 'squid.pid'}",
        f"access_log stdio:{folder / 'access.log'}",
        f"cache_log {folder / 'cache.log'}",
        "cache_store_log none",
        "shutdown_lifetime 1 seconds",  # the benchmark's own: stop quickly between runs
    ]
    if kind == "default":
        chosen: list[str] = []
    elif kind == "default+size":
        chosen = [line for line in lines if line.startswith("maximum_object_size ")]
    else:
        chosen = [line for line in lines if line.split()[0] not in SITE_DIRECTIVES]
    return "\n".join([*site, *chosen]) + "\n"


@contextmanager
def running_squid(kind: str, folder: Path) -> Iterator[str]:
    """Squid with configuration ``kind`` and an empty cache; yields its proxy URL."""
    folder.mkdir(parents=True)
    port = free_port()
    config = folder / "squid.conf"
    config.write_text(squid_config(kind, folder, port), encoding="utf-8")
    if os.geteuid() == 0:  # Squid started as root drops to Debian's "proxy" user
        shutil.chown(folder, "proxy", "proxy")
    subprocess.run(
        ["squid", "-N", "-z", "-f", str(config)], check=True, capture_output=True, timeout=60
    )
    process = subprocess.Popen(
        ["squid", "-N", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "cache.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"squid did not start:\n{log}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def squid_codes(folder: Path) -> Counter[str]:
    """Result codes (TCP_MISS/200, TCP_HIT/206, ...) of the course files' requests."""
    codes: Counter[str] = Counter()
    log = folder / "access.log"
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            fields = line.split()
            if len(fields) > 6 and "/v1/assets/" in fields[6]:
                codes[fields[3]] += 1
    return codes


# --- the computers ----------------------------------------------------------------------


class Computer:
    """One computer of the centre: ``companion prefetch`` in its own home folder."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home = home
        self.env = {**env, "COMPANION_HOME": str(home)}
        self.runs = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.runs += 1
        log = (self.home.parent / f"{self.home.name}-{self.runs}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "companion", "prefetch", COURSE_ID],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        log.close()

    def on_disk(self) -> int:
        """Bytes of course files on this computer: verified ones and partial downloads."""
        store = self.home / "cache" / "assets"
        if not store.is_dir():
            return 0
        total = 0
        for path in store.rglob("*"):
            try:
                if path.is_file() and not path.name.startswith("assets.db"):
                    total += path.stat().st_size
            except FileNotFoundError:  # moved into place meanwhile
                pass
        return total

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def finish(self, timeout: float = 600) -> None:
        """Wait for the prefetch to end; it must succeed."""
        assert self.process is not None
        if self.process.wait(timeout) != 0:
            log = self.home.parent / f"{self.home.name}-{self.runs}.log"
            raise RuntimeError(f"{self.home.name} failed:\n{log.read_text(errors='replace')}")


def kill_when(computer: Computer, threshold: int, running: Callable[[], bool]) -> bool:
    """SIGKILL ``computer`` once ``threshold`` bytes are on its disk; False if it finished
    first."""
    assert computer.process is not None
    while computer.process.poll() is None and running():
        if computer.on_disk() >= threshold:
            computer.kill()
            return True
        time.sleep(0.01)
    return False


class Outcome(NamedTuple):
    ratio: float  # course files' bytes served by the platform / the course's size
    seconds: float
    killed: bool
    asked: int  # requests for course files that reached the platform
    codes: Counter[str]


def run_fleet(
    n: int, proxy: str, course_bytes: int, folder: Path, env: dict[str, str]
) -> tuple[float, bool]:
    computers = [
        Computer(folder / f"computer-{i:02d}", {**env, "COMPANION_NETWORK_PROXY": proxy})
        for i in range(n)
    ]
    started = time.monotonic()
    for computer in computers:
        computer.start()
    killed = kill_when(computers[0], int(course_bytes * KILL_AT), lambda: True)
    if killed:
        computers[0].start()  # resumes from what the killed run left on disk
    for computer in computers:
        computer.finish()
    return time.monotonic() - started, killed


def run_cut_then_next(
    proxy: str, course_bytes: int, folder: Path, env: dict[str, str]
) -> tuple[float, bool]:
    proxied = {**env, "COMPANION_NETWORK_PROXY": proxy}
    first, second = Computer(folder / "first", proxied), Computer(folder / "second", proxied)
    started = time.monotonic()
    first.start()
    killed = kill_when(first, int(course_bytes * KILL_AT), lambda: True)
    if killed:
        first.start()
    first.finish()
    second.start()
    second.finish()
    return time.monotonic() - started, killed


def measure(
    scenario: str,
    kind: str,
    platform: Platform,
    course_bytes: int,
    folder: Path,
    env: dict[str, str],
    clients: int,
) -> Outcome:
    env = {**env, "COMPANION_PLATFORM_API_URL": platform.url}
    with running_squid(kind, folder / "squid") as proxy:
        platform.reset()
        if scenario == "fleet":
            seconds, killed = run_fleet(clients, proxy, course_bytes, folder, env)
        else:
            seconds, killed = run_cut_then_next(proxy, course_bytes, folder, env)
        traffic = platform.traffic()
    served = traffic["body_bytes"].get("/v1/assets", 0)
    asked = traffic["requests"].get("/v1/assets", 0)
    return Outcome(served / course_bytes, seconds, killed, asked, squid_codes(folder / "squid"))


# --- the run ----------------------------------------------------------------------------


def clean_env() -> dict[str, str]:
    """The environment for the platform and the computers: this tree's code, no proxy or
    Companion settings inherited from the shell."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COMPANION_") and k.lower() not in _PROXY_VARIABLES
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["COMPANION_UI_LANGUAGE"] = "en"
    return env


_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--origin-kbps", type=int, default=1000, help="platform's kB/s per answer (0: no cap)"
    )
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)  # the platform process
    args = parser.parse_args(argv)
    if args.serve:
        return serve(*args.serve)
    if shutil.which("squid") is None:
        print("squid is not installed (Debian: apt-get install squid)", file=sys.stderr)
        return 1
    version = subprocess.run(["squid", "-v"], capture_output=True, text=True).stdout
    env = clean_env()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        if os.geteuid() == 0:
            os.chmod(scratch, 0o755)  # Squid, as "proxy", walks down to its folders
        sources = course_sources(scratch / "sources")
        platform = Platform(sources, scratch / "content", args.origin_kbps * 1000, env)
        try:
            manifest = platform.manifest(COURSE_ID)
            sizes = {
                block["asset"]["sha256"]: block["asset"]["size"]
                for part in manifest["parts"]
                for chapter in part["chapters"]
                for block in chapter["blocks"]
                if "asset" in block
            }
            course_bytes = sum(sizes.values())
            results: dict[tuple[str, str], list[Outcome]] = {}
            for run in range(args.runs):
                order = CONFIGS[run % 3 :] + CONFIGS[: run % 3]  # alternated
                for scenario in ("fleet", "cut-then-next"):
                    for kind in order:
                        folder = scratch / f"run{run}-{scenario}-{kind}"
                        outcome = measure(
                            scenario, kind, platform, course_bytes, folder, env, args.clients
                        )
                        results.setdefault((scenario, kind), []).append(outcome)
                        print(
                            f"run {run + 1} {scenario:13} {kind:12} {outcome.ratio:6.3f}x "
                            f"{outcome.seconds:5.1f} s killed={outcome.killed} "
                            f"platform requests={outcome.asked} "
                            f"squid: {dict(sorted(outcome.codes.items()))}",
                            file=sys.stderr,
                            flush=True,
                        )
                        shutil.rmtree(folder)
        finally:
            platform.close()
    report(results, args, course_bytes, len(sizes), version.splitlines()[0])
    return 0


def report(
    results: dict[tuple[str, str], list[Outcome]],
    args: argparse.Namespace,
    course_bytes: int,
    files: int,
    version: str,
) -> None:
    print(f"machine: {machine()}; {version}")
    print(
        f"course: {course_bytes:,} B in {files} files; platform capped at "
        f"{args.origin_kbps} kB/s per answer; {args.runs} runs, medians (min-max)"
    )
    titles = " | ".join(CONFIG_TITLES[kind] for kind in CONFIGS)
    print(f"| platform bytes / course size | {titles} | aim |")
    print("|---|" + "---|" * len(CONFIGS) + "---|")
    rows = {
        "fleet": f"{args.clients} computers at once, one killed at 40 % and resumed",
        "cut-then-next": "one computer killed at 40 % and resumed, then a second",
    }
    for scenario, title in rows.items():
        cells = []
        for kind in CONFIGS:
            ratios = [o.ratio for o in results[(scenario, kind)]]
            seconds = statistics.median(o.seconds for o in results[(scenario, kind)])
            spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
            cells.append(f"{statistics.median(ratios):.3f}×{spread}, {seconds:.0f} s")
        print(f"| {title} | {' | '.join(cells)} | ≤ 1.05× |")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
