"""`companion --self-test`: checks that this installation works (modules, resources, a
database, the demo platform over HTTP, a window), one line per check."""

from __future__ import annotations

import tempfile
from pathlib import Path

from companion import i18n
from companion.i18n import _, ngettext
from companion.paths import Paths
from companion.services.self_test import core_checks, run_checks
from companion.settings import UI_LANGUAGE, Settings

from companion.ui.self_test import qt_checks


def self_test() -> int:
    """For whoever builds or supports a bundle: one line per check, in a temporary folder."""
    paths = Paths.default()  # in the learner's language, as the doctor speaks (issue 25)
    i18n.install(Settings(paths.settings_file, paths.policy_file).value(UI_LANGUAGE))
    checks = [*core_checks(), *qt_checks()]
    with tempfile.TemporaryDirectory(prefix="companion-self-test-") as folder:
        failed = 0
        for outcome in run_checks(checks, Path(folder)):
            print(outcome.line(), flush=True)
            failed += not outcome.passed
    verdict = (
        ngettext(
            "self-test: {n} check of {total} failed",
            "self-test: {n} checks of {total} failed",
            failed,
        ).format(n=failed, total=len(checks))
        if failed
        else _("self-test: all checks passed")
    )
    print(verdict)
    return 1 if failed else 0
