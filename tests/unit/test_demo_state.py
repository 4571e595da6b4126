"""The demo platform's saved state: damage is set aside, never mistaken for a permission
problem; a restored provider keeps its keys and the sign-ins it granted; a POST writes what
it adds, not everything kept (issue 28)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from companion import xapi
from companion.files import write_atomic
from companion.sandbox import persist
from companion.sandbox.certificates import Certificates
from companion.sandbox.content import Content
from companion.sandbox.learners import Learners
from companion.sandbox.lrs import StatementStore
from companion.sandbox.persist import PlatformParts, SavedState, provider_from, restore
from tests.sync_helpers import HOME


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


def statements(n: int) -> list[dict[str, Any]]:
    made = []
    for i in range(n):
        activity = f"{HOME}/xapi/activities/courses/c/chapters/{i}"
        statement = xapi.statement("completed", activity, "chapter", f"Chapitre {i}")
        made.append(xapi.with_actor({**statement, "id": str(uuid.uuid4())}, "u-1001", HOME))
    return made


def bytes_written_by_one_post(folder: Path, stored: int, monkeypatch) -> int:
    """What saving after a POST of 10 statements writes, with ``stored`` kept before."""
    parts, saved = parts_for(), SavedState(folder)
    parts.statements.save("u-1001", statements(stored))
    saved.save(parts)
    written: list[int] = []

    def counted(path: Path, data: bytes) -> None:
        written.append(len(data))
        write_atomic(path, data)

    monkeypatch.setattr(persist, "write_atomic", counted)
    appended_before = _size(saved.folder / "demo-statements.jsonl")
    parts.statements.save("u-1001", statements(10))
    saved.save(parts)
    return sum(written) + _size(saved.folder / "demo-statements.jsonl") - appended_before


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def test_a_post_writes_what_it_adds_not_everything_kept(tmp_path, monkeypatch):
    """Issue 28: the whole state (33 MB at 50,000 statements) was rewritten after each
    POST, so a push of 50k took 40 s. Now the bytes a POST writes do not depend on how many
    statements are kept."""
    small = bytes_written_by_one_post(tmp_path / "small", 10, monkeypatch)
    large = bytes_written_by_one_post(tmp_path / "large", 3000, monkeypatch)
    assert small > 0 and large < small * 1.2


def test_statements_come_back_after_a_restart_and_a_line_cut_by_a_kill_is_dropped(tmp_path):
    parts = parts_for()
    made = statements(5)
    parts.statements.save("u-1001", made)
    first = SavedState(tmp_path)
    first.save(parts)
    first.close()
    with open(tmp_path / "demo-statements.jsonl", "ab") as out:
        out.write(b'{"learner": "u-1001", "statement": {"id"')  # the kill came mid-line
    data = SavedState(tmp_path).read()
    assert data is not None
    again = parts_for(data)
    restore(data, again)
    assert [s["statement"]["id"] for s in again.statements.snapshot()] == [s["id"] for s in made]
    assert (tmp_path / "demo-statements.jsonl").read_bytes().endswith(b"\n")


def test_a_state_of_the_first_format_keeps_its_statements_and_moves_them_out(tmp_path):
    parts = parts_for()
    made = statements(3)
    parts.statements.save("u-1001", made)
    first = SavedState(tmp_path)
    first.save(parts)
    first.close()
    old = json.loads(saved_text(tmp_path))
    old.update(format=1, statements=parts.statements.snapshot())
    (tmp_path / "demo-platform.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "demo-statements.jsonl").unlink()
    saved = SavedState(tmp_path)
    data = saved.read()
    assert data is not None
    again = parts_for(data)
    restore(data, again)
    saved.save(again)
    saved.close()
    assert "statements" not in json.loads(saved_text(tmp_path))
    data = SavedState(tmp_path).read()
    assert data is not None and [s["statement"]["id"] for s in data["statements"]] == [
        s["id"] for s in made
    ]
