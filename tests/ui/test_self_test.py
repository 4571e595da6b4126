"""`companion --self-test` (issue 15): one line per check, exit 0 only when every check
passes; the bundle's smoke test (tests/e2e/test_bundle.py) runs the same command."""

from __future__ import annotations

import pytest

from companion import cli
from companion.services import self_test

CHECKS = (
    "imports",
    "resources",
    "translations",
    "database",
    "sandbox",
    "qt-imports",
    "qt-translations",
    "qt-window",
    "qt-desktop",
)


def test_every_check_passes_from_the_checkout(qapp, capsys):
    assert cli.main(["--self-test"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0].split()[-1] for line in lines[:-1]] == list(CHECKS)
    assert all(line.startswith("ok ") for line in lines[:-1]), lines
    # In the learner's language, as the doctor speaks (issue 25: English beside French).
    assert lines[-1] == "autotest : toutes les vérifications sont passées"


def test_a_missing_resource_fails_its_check_and_the_run(qapp, capsys, monkeypatch):
    monkeypatch.setattr(
        self_test, "REQUIRED_RESOURCES", (*self_test.REQUIRED_RESOURCES, "styles/gone.qss")
    )
    assert cli.main(["--self-test"]) == 1
    lines = capsys.readouterr().out.splitlines()
    (failed,) = [line for line in lines if line.startswith("ÉCHEC")]
    assert failed.startswith("ÉCHEC   resources:") and "styles/gone.qss" in failed
    assert sum(line.startswith("ok ") for line in lines) == len(CHECKS) - 1  # the others ran
    assert lines[-1] == f"autotest : 1 vérification sur {len(CHECKS)} a échoué"


@pytest.mark.parametrize("error", [ImportError("no module named flask"), OSError("disk full")])
def test_a_check_that_raises_is_a_failure_with_its_reason(tmp_path, error):
    def broken(_):
        raise error

    (outcome,) = self_test.run_checks([("broken", broken)], tmp_path)
    assert not outcome.passed
    reason = f"{type(error).__name__}: {error}"
    verdict, *rest = outcome.line().split()
    assert verdict in ("FAILED", "ÉCHEC") and rest == ["broken:", *reason.split()]
