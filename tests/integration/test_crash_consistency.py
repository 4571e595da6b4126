"""A short run of the SIGKILL harness (tests/reliability/crash.py) in every test run; the long
run is `scripts/run-bench crash` (its figures are in docs/reliability.md)."""

from __future__ import annotations

from tests.reliability.crash import run


def test_killed_again_and_again_nothing_is_lost_duplicated_or_damaged(tmp_path):
    outcome = run(kills=6, download_kills=3, folder=tmp_path, seed=12)
    assert outcome.kills == 6 and outcome.download_kills == 3
    assert outcome.actions > 0, "no action was recorded before the kills: nothing tested"
    assert outcome.clean, outcome
    assert outcome.lost == 0 and outcome.duplicated == 0
    assert outcome.bad_files == 0 and outcome.damaged_databases == 0
