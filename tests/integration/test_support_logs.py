"""What support staff read (issue 10): the log says what started, on what platform, under
which policy; who signed in and out; and it is readable by its owner only. `sync --status`
says which platform it talks to and whose progress it reports."""

from __future__ import annotations

import logging
import stat
import threading
from pathlib import Path

from companion import __version__, logs
from companion.cli import main
from tests.auth_helpers import Browser


def log_text(context) -> str:
    for handler in logging.getLogger(logs.ROOT).handlers:
        handler.flush()
    path: Path = context.paths.log_dir / "companion.log"
    return path.read_text(encoding="utf-8")


def test_log_has_a_start_line_and_sign_in_and_out_events(context, memory_keyring):
    context.account.sign_in_with_browser(Browser("camille"), threading.Event())
    context.sign_out()
    text = log_text(context)
    start = next(line for line in text.splitlines() if "start: Companion" in line)
    assert __version__ in start
    assert "profile default" in start
    assert f"platform {context.settings.get('platform.api_url')}" in start
    assert "policy" in start and "kiosk off" in start
    assert "signed in: account u-1001" in text
    assert "signed out: account u-1001" in text
    assert "Camille" not in text  # named by account id, never by name


def test_log_file_is_readable_by_its_owner_only(context):
    logging.getLogger("companion.services").info("a line")
    path = context.paths.log_dir / "companion.log"
    log_text(context)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_log_file_of_an_earlier_release_is_made_private(companion_home, platform_env):
    from companion.app.context import AppContext

    log_dir = companion_home / "logs"
    log_dir.mkdir(parents=True)
    (log_dir / "companion.log").write_text("old line\n", encoding="utf-8")
    (log_dir / "companion.log").chmod(0o644)
    context = AppContext.create()
    try:
        text = log_text(context)
        assert "old line" in text and "start: Companion" in text
        assert stat.S_IMODE((log_dir / "companion.log").stat().st_mode) == 0o600
    finally:
        context.close()


def test_sync_status_names_the_platform_and_who_is_signed_in(context, memory_keyring, capsys):
    context.account.sign_in_with_browser(Browser("camille"), threading.Event())
    assert main(["sync", "--status"]) == 0
    out = capsys.readouterr().out
    assert f"Platform: {context.settings.get('platform.api_url')}" in out
    assert "Signed in: Camille Martin (account u-1001)" in out


def test_sync_status_names_whose_progress_is_kept_after_sign_out(context, memory_keyring, capsys):
    context.account.sign_in_with_browser(Browser("karim"), threading.Event())
    context.sign_out()
    assert main(["sync", "--status"]) == 0
    out = capsys.readouterr().out
    assert "Nobody is signed in; progress is kept for Karim Benali." in out
