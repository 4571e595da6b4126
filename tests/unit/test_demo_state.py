"""The demo platform's saved state: damage is set aside, never mistaken for a permission
problem; a restored provider keeps its keys and the sign-ins it granted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from companion.sandbox.certificates import Certificates
from companion.sandbox.content import Content
from companion.sandbox.learners import Learners
from companion.sandbox.lrs import StatementStore
from companion.sandbox.persist import PlatformParts, SavedState, provider_from, restore


def parts_for(data: dict[str, Any] | None = None) -> PlatformParts:
    provider = provider_from(data)
    certificates = Certificates(Content(Path("unused")), provider.key)
    return PlatformParts(Learners(), provider, StatementStore(), certificates)


def test_a_damaged_state_is_set_aside_and_the_demo_starts_afresh(tmp_path):
    saved = SavedState(tmp_path)
    saved.path.write_text("{not json", encoding="utf-8")
    assert saved.read() is None
    assert (tmp_path / "demo-platform.damaged").read_text(encoding="utf-8") == "{not json"


@pytest.mark.usefixtures("enforced_permissions")
def test_a_state_it_may_not_read_is_an_error_not_damage(tmp_path):
    saved = SavedState(tmp_path)
    saved.save(parts_for())
    os.chmod(saved.path, 0)
    try:
        with pytest.raises(PermissionError):
            saved.read()
        assert not (tmp_path / "demo-platform.damaged").exists()
    finally:
        os.chmod(saved.path, 0o600)


def test_keys_and_sign_ins_come_back(tmp_path):
    first = parts_for()
    camille = first.learners.records["camille"]
    access = first.provider.issue_token_for(camille)
    SavedState(tmp_path).save(first)
    data = SavedState(tmp_path).read()
    assert data is not None
    again = parts_for(data)
    restore(data, again)
    assert again.provider.jwks() == first.provider.jwks()
    token = again.provider.token_for_access(access)
    assert token is not None and token.user["login"] == "camille"
    assert access not in saved_text(tmp_path)


def saved_text(folder: Path) -> str:
    return (folder / "demo-platform.json").read_text(encoding="utf-8")
