"""A learner's files are readable by their owner only (issue 10): on a shared computer the
other accounts must not read someone's progress, account or courses. The machine-wide
course cache a kiosk's policy names is the exception: every account uses it."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from companion.app.context import AppContext
from companion.jobs import Control
from companion.paths import Paths
from companion.store.assets import AssetStore
from tests.auth_helpers import Browser
from tests.sync_helpers import complete_chapters

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def readable_by_others(root: Path) -> list[str]:
    found = [root, *root.rglob("*")]
    return [
        f"{oct(stat.S_IMODE(path.lstat().st_mode))} {path.relative_to(root.parent)}"
        for path in found
        if not path.is_symlink() and stat.S_IMODE(path.lstat().st_mode) & 0o077
    ]


def test_a_profile_after_sign_in_download_and_sync_is_private(context, memory_keyring):
    context.settings.set("ui.language", "en")  # the app writes the settings file too
    context.account.sign_in_with_browser(Browser("camille"), threading.Event())
    course_id = context.catalog.refresh().courses[0].id
    context.library().add_course(course_id)
    context.library().download(course_id, Control.new())
    complete_chapters(context.progress(), 3)
    assert context.sync_once().pending == 0
    context.certificates()
    paths = context.paths
    context.close()
    for root in (paths.data_dir, paths.config_dir):
        assert readable_by_others(root) == []
    # Course files are the same public bytes for everyone; the folder holding them and the
    # record of who keeps which course are private.
    assert stat.S_IMODE(paths.cache_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((paths.shared_assets_dir / "assets.db").stat().st_mode) == 0o600
    again = AppContext.create()  # opened again: nothing loosened
    again.progress()
    again.close()
    assert readable_by_others(paths.data_dir) == []


def test_files_of_an_earlier_release_are_tightened_when_opened(context):
    progress_file = context.progress().folder / "progress.db"
    library_file = context.profile_dir / "library.db"
    context.library()
    context.close()
    for loosened in (progress_file, library_file):
        loosened.chmod(0o644)
    for folder in (context.profile_dir, context.paths.data_dir):
        folder.chmod(0o755)
    reopened = AppContext.create()
    reopened.library()
    reopened.progress()
    reopened.close()
    assert readable_by_others(context.paths.data_dir) == []


def test_the_machine_wide_course_cache_keeps_its_permissions(tmp_path):
    shared = tmp_path / "centre-cache"
    shared.mkdir(mode=0o775)
    shared.chmod(0o2775)  # set by the centre's administrator for every account
    store = AssetStore(shared, shared=True)
    store.db.close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o2775
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((shared / "assets.db").stat().st_mode) == 0o666 & ~umask
    private = AssetStore(Paths.default().shared_assets_dir)
    private.db.close()
    assert stat.S_IMODE(private.root.stat().st_mode) == 0o700
    assert stat.S_IMODE((private.root / "assets.db").stat().st_mode) == 0o600
