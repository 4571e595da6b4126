"""Never make things worse (issue 10): a folder Companion may not write, a full disk and
real damage are told apart; only real damage sets a rebuildable file aside, and the
learner's progress file is never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.app.context import AppContext
from companion.files import StorageProblem, guarded
from companion.store import schema
from companion.store.db import open_precious, open_rebuildable
from tests.integration.test_profile_lock import companion
from tests.permission_helpers import read_only

NOT_ALLOWED_FR = "Companion n'a pas le droit d'écrire dans"


@pytest.mark.parametrize("locked", ["", "data"], ids=["home", "data"])
@pytest.mark.parametrize("command", [["settings"], ["sync"], ["sync", "--status"], ["catalog"]])
def test_a_data_folder_that_cannot_be_written_is_named_without_a_traceback(
    companion_home, platform_env, enforced_permissions, command, locked
):
    folder = companion_home / locked
    folder.mkdir(parents=True)
    with read_only(folder):
        result = companion(*command)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"{NOT_ALLOWED_FR} {folder}" in result.stderr
    assert "droits d'accès" in result.stderr  # the hint says what kind of problem it is


def opened_once(context: AppContext) -> tuple[Path, Path]:
    """The profile's library file and the learner's progress file, made and closed."""
    context.library()
    folder = context.progress().folder
    assert folder is not None  # nobody signed in, not a kiosk: kept in the unclaimed folder
    progress_file = folder / "progress.db"
    context.close()
    return context.profile_dir / "library.db", progress_file


def test_a_read_only_profile_is_a_permission_problem_and_nothing_is_moved(
    enforced_permissions, context
):
    library_file, _progress_file = opened_once(context)
    with read_only(library_file, library_file.parent):
        reopened = AppContext.create(read_only=True)
        try:
            with pytest.raises(StorageProblem) as raised:
                reopened.library()
        finally:
            reopened.close()
    assert raised.value.kind == "permission"
    assert str(library_file.parent) in raised.value.message
    assert library_file.exists()
    assert not list(library_file.parent.glob("library.db.damaged-*"))


def test_read_only_learner_files_are_not_reported_as_damaged(
    enforced_permissions, context, platform_env
):
    _library_file, progress_file = opened_once(context)
    before = progress_file.read_bytes()
    with read_only(progress_file, progress_file.parent):
        result = companion("sync", "--status")  # in English, as the context fixture sets
    assert result.returncode == 1
    assert "Your progress file is damaged" not in result.stderr
    assert f"Companion is not allowed to write to {progress_file}" in result.stderr
    assert "Traceback" not in result.stderr
    assert progress_file.read_bytes() == before


def test_a_full_database_is_a_full_disk_not_damage(tmp_path):
    database = open_rebuildable(tmp_path / "library.db", ["CREATE TABLE blobs (data BLOB)"])
    pages = database.connection.execute("PRAGMA page_count").fetchone()[0]
    database.connection.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's SQLITE_FULL
    with pytest.raises(StorageProblem) as raised, database.write() as connection:
        connection.execute("INSERT INTO blobs VALUES (?)", (b"x" * 100_000,))
    database.close()
    assert raised.value.kind == "full"
    assert not list(tmp_path.glob("*.damaged-*"))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_no_space_left_is_a_full_disk():
    device = Path("/dev/full")
    with pytest.raises(StorageProblem) as raised, guarded(device), device.open("wb") as full:
        full.write(b"x")
    assert raised.value.kind == "full"
    assert "/dev/full" in raised.value.message


def test_a_damaged_library_file_is_still_set_aside_and_rebuilt(tmp_path):
    library_file = tmp_path / "library.db"
    library_file.write_bytes(b"not a database " * 500)
    database = open_rebuildable(library_file, schema.LIBRARY)
    database.close()
    assert len(list(tmp_path.glob("library.db.damaged-*"))) == 1


def test_a_damaged_progress_file_is_reported_and_left_as_it_is(tmp_path):
    progress_file = tmp_path / "progress.db"
    progress_file.write_bytes(b"not a database " * 500)
    with pytest.raises(Exception, match="damaged") as raised:
        open_precious(progress_file, schema.PROGRESS)
    assert not isinstance(raised.value, StorageProblem)
    assert progress_file.read_bytes() == b"not a database " * 500
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.db"]


def test_a_permission_error_shown_in_the_window_is_not_an_unexpected_error():
    from companion.errors import describe

    message, hint, _reference = describe(PermissionError(13, "Permission denied", "/srv/x"))
    assert message == "Companion is not allowed to write to /srv/x."
    assert hint.startswith("This is a permission problem, not damage")
