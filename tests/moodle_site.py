"""A real Moodle 5.1 for the tests, from the team's shared tree (../shared/moodle).

The first use in a run installs and seeds a site (about 70 s, plus PHP and PostgreSQL from
Debian's packages on a machine without them) and snapshots it; every test module then gets
a site of its own restored from that snapshot (about 8 s), over HTTPS with a self-signed
certificate, on free loopback ports, stopped and deleted after the module. A missing tree is
a failure, never a skip: these tests stand for every training centre's Moodle.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_MOODLE = Path(
    os.environ.get("COMPANION_MOODLE_DIR", REPOSITORY.parent / "shared" / "moodle")
)
# Kept across runs on one machine (a fresh CI machine makes it once): the snapshot is
# named by what it was made from, so a new tree or seed makes a new one.
CACHE = Path(os.environ.get("COMPANION_MOODLE_CACHE", "/var/tmp/companion-moodle"))
LEARNER = ("elodie.lefevre", "Apprenant#2025")
ADMIN = ("admin", "Admin#2025")
UP_DEADLINE_SECONDS = 600  # apt, install and seed on a cold machine


class MoodleUnavailable(RuntimeError):
    """The shared Moodle could not be brought up: the test fails with why."""


@dataclass(frozen=True)
class MoodleSite:
    base: Path  # everything of this site: tree, dataroot, database cluster, logs
    url: str  # https://127.0.0.1:PORT, its wwwroot
    certificate: Path  # the site's self-signed certificate, to trust it explicitly
    seed: dict[str, Any]  # the seed's ids (learner, course, cmids...): seed.php's output

    @property
    def learner_id(self) -> int:
        return int(self.seed["learner"]["id"])

    @property
    def course_id(self) -> int:
        return int(self.seed["course"]["id"])

    def cmid(self, activity: str) -> int:
        return int(self.seed["cmids"][activity])

    def php(self, *arguments: str, timeout: float = 120) -> str:
        """Run one of the site's command-line scripts (as its administrator would)."""
        command = ["php", "-d", "max_input_vars=5000", *arguments]
        result = subprocess.run(
            command,
            cwd=self.base / "moodle",
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise MoodleUnavailable(f"{' '.join(arguments)}: {result.stderr or result.stdout}")
        return result.stdout

    def go_offline(self) -> list[str]:
        """The site's address stops answering (its TLS front is stopped): as for a learner
        whose connection went. Returns what ``come_back`` needs."""
        pid = int((self.base / "run" / "socat.pid").read_text())
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
        os.kill(pid, 15)
        for _wait in range(50):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.1)
        return command

    def come_back(self, command: list[str]) -> None:
        front = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        (self.base / "run" / "socat.pid").write_text(str(front.pid))
        time.sleep(0.5)

    def run_php(self, name: str, code: str) -> str:
        """A PHP snippet run against the site's own code, as its administrator would."""
        script = self.base / f"{name}.php"
        script.write_text(
            f"<?php define('CLI_SCRIPT', true); require($argv[1]); {code}\n", encoding="utf-8"
        )
        return self.php(str(script), str(self.base / "moodle" / "config.php"))

    def revoke_tokens(self) -> None:
        """Every web-service token deleted (Site administration › Manage tokens › Delete)."""
        self.run_php("revoke-tokens", "$DB->delete_records('external_tokens');")

    def completion_states(self) -> dict[int, int]:
        """The learner's activities' completion (cmid -> state), as the administrator sees
        it through the web services (0 incomplete, 1 complete, 2 passed, 3 failed)."""
        return self.completion_states_of(self.learner_id, self.course_id)

    def completion_states_of(self, user_id: int, course_id: int) -> dict[int, int]:
        """Another learner's, or another course's, the same way."""
        from companion.sync import moodle_ws
        from companion.sync.client import HttpClient, NetworkConfig

        http = HttpClient(
            NetworkConfig(base_url=self.url, proxy="none", ca_bundle=str(self.certificate))
        )
        try:
            admin = moodle_ws.MoodleClient(http, moodle_ws.token_for(http, *ADMIN))
            answer = admin.call(
                "core_completion_get_activities_completion_status",
                courseid=course_id,
                userid=user_id,
            )
        finally:
            http.close()
        return {int(s["cmid"]): int(s["state"]) for s in answer["statuses"]}

    def set_config(self, name: str, value: str, component: str = "") -> None:
        where = [f"--component={component}"] if component else []
        self.php("admin/cli/cfg.php", *where, f"--name={name}", f"--set={value}")
        self.php("admin/cli/purge_caches.php")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


TARBALL = SHARED_MOODLE / "moodle-5.1plus-20251017-upstream.tar.xz"


def _source_key() -> str:
    """What a snapshot is made from: the tree, the scripts and the seed."""
    digest = hashlib.sha256()
    for name in ("moodle-up.sh", "moodle-snapshot.sh", "seed.php"):
        digest.update((SHARED_MOODLE / name).read_bytes())
    digest.update(f"{TARBALL.name}:{TARBALL.stat().st_size}".encode())
    return digest.hexdigest()[:16]


def _run(script: str, environment: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(
        ["bash", str(SHARED_MOODLE / script), *arguments],
        env={**os.environ, **environment},
        cwd="/tmp",  # the scripts switch to postgres, who may not enter the current folder
        capture_output=True,
        text=True,
        timeout=UP_DEADLINE_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise MoodleUnavailable(
            f"{script} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def _ports() -> dict[str, str]:
    return {"PORT": str(_free_port()), "PGPORT": str(_free_port()), "HTTPS_PORT": str(_free_port())}


def snapshot() -> Path:
    """The seeded site's snapshot, made now if this machine has none for this tree."""
    if not (SHARED_MOODLE / "moodle-up.sh").is_file():
        raise MoodleUnavailable(f"the shared Moodle tree is missing: {SHARED_MOODLE}")
    folder = CACHE / f"snapshot-{_source_key()}"
    if (folder / "db.dump").is_file() and (folder / "seed.json").is_file():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    base = CACHE / f"install-{os.getpid()}"
    _linked_tree(base)  # the tree extracted once serves the install too
    try:
        _run("moodle-up.sh", {"BASE": str(base), "DBNAME": "moodle_install", **_ports()})
        partial = folder.with_name(folder.name + f".partial-{os.getpid()}")
        _run("moodle-snapshot.sh", {}, str(base), str(partial))
        partial.replace(folder)  # whole or not at all: a run cut midway makes it again
    finally:
        _run("moodle-down.sh", {}, str(base), "--purge")
    return folder


def extracted_tree() -> Path:
    """The Moodle tree, extracted once per machine beside the snapshot. Each site gets a
    hard-linked copy of it (about 2.5 s of directory entries) instead of extracting the
    tarball into its own folder: 39,000 files, 11 to 24 s of file creation on this
    machine's disk, most of a test module's setup (the whole run spent about 8 min so)."""
    tree = CACHE / f"tree-{_source_key()}" / "moodle"
    if (tree / "public" / "version.php").is_file():
        return tree
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = CACHE / f"tree.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    subprocess.run(
        ["tar", "-xf", str(TARBALL), "-C", str(partial)],
        check=True,
        capture_output=True,
        timeout=UP_DEADLINE_SECONDS,
    )
    partial.replace(tree.parent)  # whole or not at all
    return tree


def _linked_tree(base: Path) -> None:
    """``base/moodle``, the extracted tree hard-linked: moodle-up.sh then extracts nothing.
    Only new files are written there (config.php): the shared files stay as they are.
    Where links cannot be made (another file system), the script extracts its own."""
    base.mkdir(parents=True)
    linked = subprocess.run(
        ["cp", "-al", str(extracted_tree()), str(base / "moodle")],
        capture_output=True,
        timeout=120,
        check=False,
    )
    if linked.returncode != 0:
        shutil.rmtree(base / "moodle", ignore_errors=True)


def start_site(name: str) -> MoodleSite:
    """A site of its own, restored from the snapshot, over HTTPS on free ports."""
    source = snapshot()
    base = CACHE / "sites" / f"{name}-{os.getpid()}-{time.monotonic_ns()}"
    _linked_tree(base)
    ports = _ports()
    database = "moodle_" + hashlib.sha1(str(base).encode()).hexdigest()[:10]
    try:
        _run(
            "moodle-up.sh",
            {"BASE": str(base), "DBNAME": database, "SNAPSHOT": str(source), **ports},
        )
    except MoodleUnavailable:
        stop_site(base)
        raise
    seed = json.loads((source / "seed.json").read_text(encoding="utf-8"))
    url = f"https://127.0.0.1:{ports['HTTPS_PORT']}"
    return MoodleSite(base, url, base / "tls" / "cert.pem", seed)


def stop_site(base: Path) -> None:
    _run("moodle-down.sh", {}, str(base), "--purge")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":  # scripts/run-tests: the snapshot, before any test's time runs
    started = time.monotonic()
    made = snapshot()  # with the tree each site's hard-links (extracted first if needed)
    print(f"moodle: snapshot {made.name} ready in {time.monotonic() - started:.0f} s", flush=True)


def browser_sign_in(site: MoodleSite, address: str, username: str, password: str) -> str:
    """The learner's browser: opens ``address`` (a launch.php link Companion made), signs
    in on the site's own login page, and returns where the site finally sends it (for a
    desktop app, its URL scheme: what the system hands to Companion)."""
    import re

    import requests

    browser = requests.Session()
    trust = str(site.certificate)  # per request: REQUESTS_CA_BUNDLE would win over the session's
    url = address
    for _hop in range(12):
        answer = browser.get(url, allow_redirects=False, timeout=30, verify=trust)
        if answer.status_code in (301, 302, 303, 307) and "Location" in answer.headers:
            url = requests.compat.urljoin(url, answer.headers["Location"])
            if not url.startswith(("https://", "http://")):
                return url  # the app's own scheme: the browser hands it to the system
            continue
        token = re.search(r'name="logintoken" value="([^"]+)"', answer.text)
        if answer.status_code == 200 and token is not None:  # the site's login form
            login = browser.post(
                f"{site.url}/login/index.php",
                data={"username": username, "password": password, "logintoken": token[1]},
                allow_redirects=False,
                timeout=30,
                verify=trust,
            )
            url = requests.compat.urljoin(url, login.headers.get("Location", address))
            continue
        raise MoodleUnavailable(f"the browser stopped at {answer.status_code} {url}")
    raise MoodleUnavailable("the browser went round in circles")
