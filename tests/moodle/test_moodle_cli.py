"""The command line's accounts, library and download against a real Moodle 5.1, beside the
demo platform: what support staff and training centres script."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from companion.cli import main
from companion.sync.moodle_outline import course_ref
from tests.moodle_site import LEARNER, MoodleSite


@pytest.fixture
def centre(moodle: MoodleSite, platform_env, memory_keyring, monkeypatch):
    """A learner's computer that trusts the centre's certificate authority (policy)."""
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(moodle.certificate))
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")
    return memory_keyring


def run(capsys, *arguments: str, stdin: str = "") -> tuple[int, str, str]:
    """The command as a script runs it: standard input is not a terminal."""
    previous, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        code = main(list(arguments))
    finally:
        sys.stdin = previous
    out, err = capsys.readouterr()
    return code, out, err


def add_account(moodle: MoodleSite, capsys) -> tuple[int, str, str]:
    return run(
        capsys, "accounts", "add", moodle.url, "--username", LEARNER[0], stdin=LEARNER[1] + "\n"
    )


def test_an_account_is_added_listed_and_removed(moodle, centre, capsys):
    code, out, _err = add_account(moodle, capsys)
    assert code == 0
    assert "Added: Centre de formation (test) — Élodie Lefèvre (1 course)" in out
    code, out, _err = run(capsys, "accounts", "--json")
    listed = json.loads(out)
    assert listed["version"] == 1
    (site,) = [a for a in listed["accounts"] if a["kind"] == "moodle"]
    assert (site["site"], site["learner"], site["signed_in"], site["courses"]) == (
        "Centre de formation (test)",
        "Élodie Lefèvre",
        True,
        1,
    )
    assert run(capsys, "accounts", "remove", site["key"])[0] == 0
    listed = json.loads(run(capsys, "accounts", "--json")[1])
    assert not [a for a in listed["accounts"] if a["kind"] == "moodle"]
    assert not centre.items  # the token left the keyring with the account


def test_a_moodle_course_is_in_the_library_and_downloads(moodle, centre, capsys):
    assert add_account(moodle, capsys)[0] == 0
    reference = course_ref(moodle.url, moodle.course_id)
    library = json.loads(run(capsys, "library", "--json")[1])
    (course,) = [c for c in library["courses"] if c["course"] == reference]
    assert course["site"] == "Centre de formation (test)"
    code, out, _err = run(capsys, "download", reference)
    assert code == 0 and f"{reference}: 2 files downloaded" in out  # the page and the PDF
    library = json.loads(run(capsys, "library", "--json")[1])
    (course,) = [c for c in library["courses"] if c["course"] == reference]
    assert course["title"] == "Sécurité au travail : les fondamentaux"
    states = {c["title"]: c["state"] for c in course["chapters"]}
    assert states["Introduction à la prévention"] == "offline"
    assert states["Fiche réflexe incendie (PDF)"] == "offline"


def test_a_wrong_password_fails_clearly_and_keeps_nothing(moodle, centre, capsys):
    code, _out, err = run(
        capsys, "accounts", "add", moodle.url, "--username", LEARNER[0], stdin="wrong\n"
    )
    assert code == 1 and "username or password is not right" in err
    assert not centre.items
    listed = json.loads(run(capsys, "accounts", "--json")[1])
    assert not [a for a in listed["accounts"] if a["kind"] == "moodle"]


def test_no_password_or_token_is_written_anywhere(moodle, centre, capsys):
    assert add_account(moodle, capsys)[0] == 0
    assert run(capsys, "download", course_ref(moodle.url, moodle.course_id))[0] == 0
    (token,) = centre.items.values()
    secrets = [LEARNER[1].encode(), token.encode()]
    home = Path(os.environ["COMPANION_HOME"])
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in secrets if s in data], f"a secret in {path}"
