"""Companion started as a learner starts it (``python -m companion``), read over AT-SPI:
what the real start installs after its first paint (headings among them) reaches a screen
reader too, and no control of its first screen is without a name."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.a11y.atspi import AtSpiBus
from tests.a11y.conftest import REPO
from tests.a11y.test_every_view import unnamed


def test_the_real_start_is_read_over_at_spi(atspi: AtSpiBus, platform_env, companion_home):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")},
        **atspi.env,
        "COMPANION_HOME": str(companion_home),
        "COMPANION_PLATFORM_API_URL": platform_env.url,
        "COMPANION_UI_LANGUAGE": "fr",
        "COMPANION_BENCH": "1",  # says when the catalogue has painted
        "QT_QPA_PLATFORM": "xcb",
        "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "companion"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        while "catalog painted" not in process.stdout.readline():
            assert time.monotonic() < deadline and process.poll() is None, "not painted"
        app = atspi.application("Companion")
        deadline = time.monotonic() + 20
        tree = atspi.tree(app)
        while "Accueil" not in [node.name for node in tree.find("heading")]:
            assert time.monotonic() < deadline, tree.dump()
            time.sleep(0.2)
            tree = atspi.tree(app)
        assert not unnamed(tree, "first screen")
    finally:
        process.terminate()
        process.wait(timeout=20)
