"""The support bundle carries what support staff need and no secret or personal data."""

from __future__ import annotations

import json
import logging
import re
import stat
import threading
import zipfile
from pathlib import Path

from companion import logs
from companion.cli import main
from companion.services.support_bundle import ALPHABET, support_code
from companion.store import schema
from tests.auth_helpers import Browser
from tests.sync_helpers import complete_chapters

PROXY_PASSWORD = "Pr0xy-S3cret-Pass"
JOB_SEEKER_ID = "2345678K"


def _fill_with_secrets(context, platform_env, tmp_path) -> list[str]:
    """Sign in, act, fail, and log everything a careless line could let through."""
    context.account.sign_in_with_browser(Browser("karim"), threading.Event())
    session = context.account.session()
    access = session.bearer()
    refresh = session.vault.load()
    assert refresh
    progress = complete_chapters(context.progress(), 2)
    platform_env.faults.set(status=503, path_prefix="/v1/xapi")
    context.sync_once()
    platform_env.faults.clear()
    settings_file = context.paths.settings_file
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(
        "# my proxy at home\n[network]\n"
        f'proxy = "http://karim.benali:{PROXY_PASSWORD}@proxy.example.org:3128"\n',
        encoding="utf-8",
    )
    log = logging.getLogger("companion.auth")
    # Lines a future bug could write: each secret in the shapes it would take.
    log.warning("token answer: %s", json.dumps({"access_token": access, "refresh_token": refresh}))
    log.warning("retrying with Authorization: Bearer %s", access)
    log.warning("redirect http://127.0.0.1:5000/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=x")
    log.warning("device flow user_code=WDJB-MJHT device_code=GmRhmhcxhwAzkoEqiMEg")
    log.warning("activation for job_seeker_id=%s refused", "23456789")
    log.warning(
        "activation %s for %s <%s>", JOB_SEEKER_ID, "Karim Benali", "karim.benali@example.org"
    )
    log.error("unexpected answer for Karim (karim.benali@example.org) password=hunter2-secret")
    for handler in logging.getLogger(logs.ROOT).handlers:
        handler.flush()
    del progress
    return [
        access,
        refresh,
        PROXY_PASSWORD,
        "SplxlOBeZQQYbYS6WxSbIA",
        "WDJB-MJHT",
        "GmRhmhcxhwAzkoEqiMEg",
        "23456789",
        JOB_SEEKER_ID,
        "Karim",
        "Benali",
        "karim.benali",
        "example.org>",
        "hunter2-secret",
    ]


def test_bundle_contains_the_report_and_logs_but_no_secret(
    context, platform_env, memory_keyring, tmp_path, capsys
):
    secrets = _fill_with_secrets(context, platform_env, tmp_path)
    out = tmp_path / "bundles"
    assert main(["support-bundle", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    found = re.search(r"Support code to give support staff: (\S+)", printed)
    assert found
    code = found.group(1)
    (bundle,) = out.glob("*.zip")
    assert bundle.name == f"companion-support-{code}.zip"
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    with zipfile.ZipFile(bundle) as zip_:
        names = set(zip_.namelist())
        contents = {name: zip_.read(name).decode("utf-8") for name in names}
    assert {"manifest.json", "doctor.txt", "doctor.json", "sync-journal.json"} <= names
    assert {"databases.json", "settings/settings.toml", "logs/companion.log"} <= names
    for name, text in contents.items():
        for secret in secrets:
            assert secret.lower() not in text.lower(), f"{secret!r} found in {name}"
    manifest = json.loads(contents["manifest.json"])
    assert manifest["support_code"] == code
    journal = json.loads(contents["sync-journal.json"])
    assert [row["verb"] for row in journal] == ["completed", "completed"]
    assert journal[0]["last_error"].startswith("503")
    assert "statement" not in journal[0]  # never the content of what was done
    databases = json.loads(contents["databases.json"])
    progress = next(v for k, v in databases.items() if k.endswith("progress.db"))
    assert progress["rows"]["outbox"] == 2 and progress["version"] == len(schema.PROGRESS)
    assert "[redacted]" in contents["logs/companion.log"]
    assert "proxy.example.org:3128" in contents["settings/settings.toml"]  # the rest stays
    assert "# my proxy at home" in contents["settings/settings.toml"]


def test_support_code_names_the_device_and_the_bundle():
    first, second = support_code("device-a"), support_code("device-a")
    other = support_code("device-b")
    assert re.fullmatch(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{6}}", first)
    assert first[:4] == second[:4] and first != second  # same device, new bundle
    assert other[:4] != first[:4]
    assert not set("01IO") & set(first.replace("-", ""))


def test_bundle_is_written_even_when_the_data_folder_is_broken(tmp_path, capsys, monkeypatch):
    home = Path(str(tmp_path / "companion-home"))
    monkeypatch.setenv("COMPANION_HOME", str(home))
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[network\nproxy = ", encoding="utf-8")
    out = tmp_path / "bundles"
    assert main(["support-bundle", "--output", str(out)]) == 0
    assert len(list(out.glob("companion-support-*.zip"))) == 1
