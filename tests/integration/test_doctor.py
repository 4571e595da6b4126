"""`companion doctor` names each real-world problem with the right hint (issue 10).

Each scenario is the command itself, over real HTTP to the sandbox with its faults (or to a
real server that fails the way a real one does). The read-only folder and the full disk
are real too: a read-only bind mount and a full tmpfs, in a private mount namespace.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from companion.cli import main
from tests.auth_helpers import Browser
from tests.conftest import unused_port
from tests.sync_helpers import complete_chapters
from tests.tls_helpers import ISSUER_NAME, untrusted_https_server

REPO = Path(__file__).resolve().parents[2]
Json = dict[str, Any]


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The report in English unless a test asks for French (the learner's default)."""
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")


def doctor(capsys, *extra: str) -> tuple[int, Json]:
    code = main(["doctor", "--json", *extra])
    report = json.loads(capsys.readouterr().out)
    return code, report


def finding(report: Json, id: str) -> Json:
    found = [f for f in report["findings"] if f["id"] == id]
    assert found, f"no {id} in {[f['id'] for f in report['findings']]}"
    last: Json = found[-1]
    return last


def problems(report: Json) -> list[str]:
    return [f["id"] for f in report["findings"] if f["severity"] == "problem"]


def sign_in(context, login: str) -> None:
    context.account.sign_in_with_browser(Browser(login), threading.Event())


def test_a_healthy_setup_has_no_problem_and_exit_status_0(context, memory_keyring, capsys):
    sign_in(context, "camille")
    code, report = doctor(capsys)
    assert code == 0, problems(report)
    assert report["healthy"] is True
    for step in ("dns", "tcp", "http"):
        assert finding(report, f"platform.{step}")["severity"] == "ok"
        assert finding(report, f"platform.{step}")["facts"]["millis"] is not None
    assert finding(report, "account.session")["severity"] == "ok"
    assert finding(report, "account.session")["facts"]["access_expires_at"]
    assert finding(report, "account.access")["facts"]["status"] == "active"
    assert finding(report, "clock")["severity"] == "ok"
    databases = [f for f in report["findings"] if f["id"].startswith("database.")]
    assert databases and all(f["facts"]["integrity"] == "ok" for f in databases)
    text = json.dumps(report)
    assert "Camille" not in text and "@" not in text  # named by account id only


def test_plain_text_report_says_what_to_do_in_french(platform_env, monkeypatch, capsys):
    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", "http://platform.invalid")
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "fr")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "1 problème trouvé ; que faire est indiqué dessous." in out
    assert "[PROBLÈME] Le nom de la plateforme platform.invalid est introuvable (DNS)." in out
    assert "    → Vérifiez que cet ordinateur est connecté à internet" in out


def test_unknown_name_is_a_dns_problem(platform_env, monkeypatch, capsys):
    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", "https://platform.invalid")
    code, report = doctor(capsys)
    assert code == 1
    assert problems(report) == ["platform.dns"]
    assert "internet" in finding(report, "platform.dns")["hint"]


def test_refused_connection_is_a_tcp_problem(platform_env, monkeypatch, capsys):
    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", f"http://127.0.0.1:{unused_port()}")
    code, report = doctor(capsys)
    assert code == 1
    assert problems(report) == ["platform.tcp"]
    tcp = finding(report, "platform.tcp")
    assert tcp["facts"]["problem"] == "refused"
    assert "refused the connection" in tcp["summary"]
    assert "maintenance" in tcp["hint"]


def test_untrusted_certificate_is_a_tls_problem_naming_its_issuer(
    platform_env, monkeypatch, capsys, tmp_path
):
    with untrusted_https_server(tmp_path) as url:
        monkeypatch.setenv("COMPANION_PLATFORM_API_URL", url)
        code, report = doctor(capsys)
    assert code == 1
    assert problems(report) == ["platform.tls"]
    tls = finding(report, "platform.tls")
    assert tls["facts"]["problem"] == "certificate-untrusted"
    assert ISSUER_NAME in tls["summary"]
    assert "network.ca_bundle" in tls["hint"]


def test_trusted_certificate_is_described_with_issuer_and_expiry(
    platform_env, monkeypatch, capsys, tmp_path
):
    with untrusted_https_server(tmp_path) as url:
        monkeypatch.setenv("COMPANION_PLATFORM_API_URL", url)
        monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(tmp_path / "cert.pem"))
        code, report = doctor(capsys)
    assert code == 0, problems(report)
    tls = finding(report, "platform.tls")
    assert tls["severity"] == "ok", tls
    assert ISSUER_NAME in tls["facts"]["issuer"] and tls["facts"]["not_after"]
    assert finding(report, "platform.http")["severity"] == "ok"
    assert "platform.tls" not in problems(report)


def test_expired_certificate_points_at_the_clock_first(platform_env, monkeypatch, capsys, tmp_path):
    with untrusted_https_server(tmp_path, expired=True) as url:
        monkeypatch.setenv("COMPANION_PLATFORM_API_URL", url)
        monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(tmp_path / "cert.pem"))
        code, report = doctor(capsys)
    assert code == 1
    tls = finding(report, "platform.tls")
    assert tls["facts"]["problem"] == "certificate-expired"
    assert "date and time" in tls["hint"]


def test_platform_answering_503_is_an_http_problem(platform_env, capsys):
    platform_env.faults.set(status=503, path_prefix="/v1/catalog")
    code, report = doctor(capsys)
    assert code == 1
    assert problems(report) == ["platform.http"]
    http = finding(report, "platform.http")
    assert http["facts"]["status"] == 503
    assert "temporarily unavailable" in http["summary"]
    assert "nothing to do on this computer" in http["hint"]


def test_clock_two_hours_ahead_is_named_in_french(platform_env, monkeypatch, capsys):
    platform_env.oidc.clock_offset_seconds = -2 * 3600  # the platform two hours behind us
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "fr")
    code, report = doctor(capsys)
    assert code == 1
    clock = finding(report, "clock")
    assert clock["severity"] == "problem"
    assert (
        clock["summary"] == "L'horloge de cet ordinateur a 2 h d'avance sur celle de la plateforme."
    )
    assert "automatiquement" in clock["hint"]
    assert 7100 < clock["facts"]["skew_seconds"] < 7300


def test_expired_entitlement_is_named_with_its_end_date(context, memory_keyring, capsys):
    sign_in(context, "lea")
    code, report = doctor(capsys)
    assert code == 1
    access = finding(report, "account.access")
    assert access["severity"] == "problem"
    assert access["facts"]["ends_on"] == "2026-02-28"
    assert "Feb 28, 2026" in access["summary"]  # in the learner's language
    assert "adviser" in access["hint"]


def test_revoked_session_is_named(context, platform_env, memory_keyring, capsys):
    sign_in(context, "camille")
    platform_env.oidc.revoke_all_for("camille")  # signed out everywhere by the platform
    code, report = doctor(capsys)
    assert code == 1
    session = finding(report, "account.session")
    assert session["severity"] == "problem"
    assert "ended the session" in session["summary"]
    assert "Sign in again" in session["hint"]


def test_stuck_outbox_and_refused_statement_are_named(
    context, platform_env, memory_keyring, capsys
):
    sign_in(context, "camille")
    progress = complete_chapters(context.progress(), 3)
    bad_id = progress.take(3, "u-1001")[1][0]
    with progress.db.write() as c:  # a statement the platform refuses as invalid
        row = json.loads(
            c.execute("SELECT statement FROM outbox WHERE id = ?", (bad_id,)).fetchone()[0]
        )
        row["object"]["id"] = "not an iri"
        c.execute("UPDATE outbox SET statement = ? WHERE id = ?", (json.dumps(row), bad_id))
    context.sync_once()
    complete_chapters(progress, 2, first=10)
    platform_env.faults.set(status=503, path_prefix="/v1/xapi")
    context.sync_once()
    with progress.db.write() as c:  # and they have waited for two days
        c.execute(
            "UPDATE outbox SET created_at = ? WHERE set_aside = 0", (time.time() - 2 * 86400,)
        )
    code, report = doctor(capsys)
    assert code == 1
    pending = finding(report, "outbox.pending")
    assert pending["severity"] == "problem"
    assert pending["facts"]["waiting"] == 2
    assert pending["facts"]["last_error"].startswith("503")
    refused = finding(report, "outbox.set_aside")
    assert refused["facts"]["statement_id"] == bad_id
    assert refused["facts"]["reason"] == "object.id must be an IRI"
    assert "support bundle" in refused["hint"]


# --- a data folder that cannot be written, a full disk: real ones, in a mount namespace ---


def _namespace_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    return probe.returncode == 0


needs_namespace = pytest.mark.skipif(
    not _namespace_available(), reason="needs unshare (user and mount namespaces)"
)


def _doctor_in_namespace(setup: str, home: Path) -> tuple[int, Json]:
    env = {**os.environ, "COMPANION_HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("COMPANION_PLATFORM_API_URL", None)
    script = f"set -e\n{setup}\nexec {sys.executable} -m companion doctor --json"
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def _make_profile(home: Path) -> Path:
    data = home / "data"
    (data / "profiles" / "default").mkdir(parents=True)
    for folder in ("config", "cache", "logs"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    return data


@needs_namespace
def test_read_only_data_folder_is_a_permission_problem_not_damage(tmp_path):
    home = tmp_path / "home"
    data = _make_profile(home)
    code, report = _doctor_in_namespace(f"mount --bind -o ro '{data}' '{data}'", home)
    assert code == 1
    folder = finding(report, "folder.data")
    assert folder["severity"] == "problem"
    assert "read-only" in folder["summary"]
    assert "not damage" in folder["hint"]
    assert not [f for f in report["findings"] if "damaged" in f["summary"]]


@needs_namespace
def test_full_disk_is_named(tmp_path):
    home = tmp_path / "home"
    data = _make_profile(home)
    fill = f"mount -t tmpfs -o size=256k none '{data}' && mkdir -p '{data}/profiles/default'"
    fill += f" && (dd if=/dev/zero of='{data}/filler' bs=4k 2>/dev/null || true)"
    code, report = _doctor_in_namespace(fill, home)
    assert code == 1
    folder = finding(report, "folder.data")
    assert folder["severity"] == "problem"
    assert "is full" in folder["summary"]
    assert "Free some space" in folder["hint"]
    assert finding(report, "disk.free")["severity"] == "problem"
