"""File locks, and the asset store's rules for sharing one folder between processes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time

import pytest

from companion.store.assets import AssetStore
from companion.store.locks import FileLock

DATA = b"the same bytes for every learner"
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def store(tmp_path):
    opened = AssetStore(tmp_path / "assets")
    yield opened
    opened.db.close()


def test_a_lock_held_by_another_process_is_freed_when_it_is_killed(tmp_path):
    path = tmp_path / "held.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib; from companion.store.locks import FileLock;"
            f"assert FileLock(pathlib.Path({str(path)!r})).acquire(); print('held', flush=True);"
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not FileLock(path).acquire()
    finally:
        holder.kill()  # SIGKILL: the process cleans nothing up
        holder.wait(10)
    mine = FileLock(path)
    assert mine.acquire()
    mine.release()


def test_two_locks_on_one_file_exclude_each_other_in_one_process(tmp_path):
    first, second = FileLock(tmp_path / "x.lock"), FileLock(tmp_path / "x.lock")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_a_removed_lock_file_is_never_shared_by_two_holders(tmp_path, monkeypatch):
    """A holder removes the file as it releases it; whoever had opened it just before locks
    a file that no longer has the name, sees so, and competes for the new one."""
    path = tmp_path / "x.lock"
    first = FileLock(path, remove=True)
    assert first.acquire()
    late = os.open(path, os.O_RDWR)  # opened before the removal, locked after it
    first.release()
    assert not path.exists()
    second = FileLock(path, remove=True)
    assert second.acquire()
    real_open = os.open
    opens = iter([late])
    monkeypatch.setattr(os, "open", lambda *args: next(opens, None) or real_open(*args))
    third = FileLock(path, remove=True)
    assert not third.acquire()  # not fooled by the old file: ``second`` holds the name
    second.release()
    assert third.acquire()
    third.release()
    assert not path.exists()


def test_commit_accepts_a_verified_file_already_in_place(store):
    """Another process (an older Companion, which takes no lock) moved its own copy into
    place and ours is gone, or still here: either way the asset is there, so it is done."""
    final = store.path(SHA)
    final.parent.mkdir()
    final.write_bytes(DATA)
    assert store.commit(SHA, len(DATA)) == final  # no partial file of ours at all
    store.partial_path(SHA).write_bytes(DATA)
    store.commit(SHA, len(DATA))
    assert not store.partial_path(SHA).exists() and final.read_bytes() == DATA
    assert store.used_bytes() == len(DATA)


def test_commit_replaces_a_damaged_file_in_place_and_fails_with_nothing_verified(store):
    final = store.path(SHA)
    final.parent.mkdir()
    final.write_bytes(b"damaged")
    store.partial_path(SHA).write_bytes(DATA)
    store.commit(SHA, len(DATA))
    assert final.read_bytes() == DATA
    final.write_bytes(b"damaged")
    with pytest.raises(FileNotFoundError):
        store.commit(SHA, len(DATA))


def test_partial_files_nobody_needs_are_cleaned_and_the_others_kept(store):
    done, fresh, old, busy = SHA, "1" * 64, "2" * 64, "3" * 64
    store.path(done).parent.mkdir()
    store.path(done).write_bytes(DATA)
    for sha in (done, fresh, old, busy):
        store.partial_path(sha).write_bytes(b"part")
    month_ago = time.time() - 30 * 24 * 3600
    for sha in (old, busy):
        os.utime(store.partial_path(sha), (month_ago, month_ago))
    lock = store.download_lock(busy)
    assert lock.acquire()  # a download of it is running
    try:
        assert store.clean_partials() == 2
    finally:
        lock.release()
    left = sorted(p.name for p in store.partial_dir.iterdir())
    assert left == [f"{fresh}.part", f"{busy}.part"]  # resumable later, by any process
