"""Issue 25: a broken machine policy stopped Companion with an English message (the file
is read before the language is known) citing a README section that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from companion.app.context import AppContext
from companion.settings import PolicyError
from tests.policy_helpers import use_policy

README = Path(__file__).resolve().parents[2] / "README.md"


def test_a_broken_policy_is_refused_in_french_citing_a_real_readme_section(
    companion_home, monkeypatch
):
    use_policy(companion_home, monkeypatch, "[kiosk\nenabled = true\n")
    with pytest.raises(PolicyError) as raised:
        AppContext.create()
    error = raised.value
    assert "est inutilisable" in error.message, error.message
    cited = re.search(r"README, « (.+?) »", error.hint)
    assert cited, error.hint
    headings = {
        line.lstrip("#").strip() for line in README.read_text().splitlines() if line.startswith("#")
    }
    assert cited.group(1) in headings
