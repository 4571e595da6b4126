"""`companion --self-test`: checks that this installation works (modules, resources, a
database, the demo platform over HTTP, a window), one line per check."""

from __future__ import annotations

import tempfile
from pathlib import Path

from companion.services.self_test import core_checks, run_checks

from companion.ui.self_test import qt_checks


def self_test() -> int:
    """For whoever builds or supports a bundle: one line per check, in a temporary folder."""
    checks = [*core_checks(), *qt_checks()]
    with tempfile.TemporaryDirectory(prefix="companion-self-test-") as folder:
        failed = 0
        for outcome in run_checks(checks, Path(folder)):
            print(outcome.line(), flush=True)
            failed += not outcome.passed
    verdict = f"{failed} of {len(checks)} checks failed" if failed else "all checks passed"
    print(f"self-test: {verdict}")
    return 1 if failed else 0
