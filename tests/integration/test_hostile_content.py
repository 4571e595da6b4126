"""Issue 12, content and storage: what a hostile or broken platform sends is never run,
never crashes a screen, never overwrites another course. Real HTTP to the sandbox."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import stat
from collections.abc import Iterator
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from companion.domain import CertificateSummary, ContractError, parse_catalog_entry
from companion.errors import UserFacingError
from companion.jobs import Control
from companion.services.certificates import CertificateService
from companion.services.library import OFFLINE
from companion.services.progress import ProgressService
from companion.store.assets import AssetStore

COURSE = "securite-chantier"


@contextlib.contextmanager
def altered(sample_content, course_id: str = COURSE) -> Iterator[dict[str, Any]]:
    """The course's manifest as the sandbox serves it, put back as it was afterwards."""
    original = copy.deepcopy(sample_content.courses[course_id])
    try:
        yield sample_content.courses[course_id].manifest
    finally:
        sample_content.courses[course_id] = original


def served(sample_content, data: bytes, media_type: str) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    (sample_content.assets_dir / digest).write_bytes(data)
    return {"sha256": digest, "size": len(data), "media_type": media_type}


def first_block(manifest: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(
        b
        for p in manifest["parts"]
        for c in p["chapters"]
        for b in c["blocks"]
        if b["type"] == kind
    )


def downloaded_file(
    context: Any, sample_content: Any, manifest: dict[str, Any], data: bytes, media_type: str
) -> tuple[Any, str]:
    """The course's first file block made ``data`` of ``media_type``, and the course
    downloaded: the library and that file's digest."""
    first_block(manifest, "file")["asset"] = served(sample_content, data, media_type)
    library = context.library()
    library.download(COURSE, Control.new())
    return library, first_block(manifest, "file")["asset"]["sha256"]


# --- deliver 2: course files opened only for an allowlist --------------------------------

PROGRAMS = [
    "application/x-sh",
    "text/x-python",
    "application/java-archive",
    "application/x-msdos-program",
    "application/x-msdownload",
    "application/javascript",
    "text/html",
    "image/svg+xml",
    "application/octet-stream",
]


@pytest.mark.parametrize("media_type", PROGRAMS)
def test_a_course_file_that_could_be_a_program_is_never_opened(
    context, sample_content, tmp_path, media_type
):
    with altered(sample_content) as manifest:
        library, sha = downloaded_file(
            context,
            sample_content,
            manifest,
            f"#!/bin/sh\necho {media_type}\n".encode(),
            media_type,
        )
        found = library.openable_copy(sha, tmp_path / "open")
    assert found.path is None  # offered as "Save as…" instead
    assert not (tmp_path / "open").exists() or not any((tmp_path / "open").iterdir())


def test_an_allowed_type_gets_companions_own_extension(context, sample_content, tmp_path):
    with altered(sample_content) as manifest:
        library, sha = downloaded_file(
            context,
            sample_content,
            manifest,
            b"%PDF-1.4 hostile",
            "Application/PDF; name=setup.exe",
        )
        found = library.openable_copy(sha, tmp_path / "open")
    assert found.path is not None and found.path.name == f"{sha[:16]}.pdf"
    assert found.media_type == "application/pdf"
    assert not found.path.stat().st_mode & 0o111


def test_a_saved_file_is_never_made_executable(context, sample_content, tmp_path):
    with altered(sample_content) as manifest:
        library, sha = downloaded_file(
            context, sample_content, manifest, b"#!/bin/sh\necho pwned\n", "application/x-sh"
        )
    destination = tmp_path / "chosen" / "script"
    destination.parent.mkdir()
    destination.write_bytes(b"old")
    destination.chmod(0o755)  # an executable file was there: its mode is not kept
    library.save_copy(sha, destination)
    assert destination.read_bytes() == b"#!/bin/sh\necho pwned\n"
    assert not stat.S_IMODE(destination.stat().st_mode) & 0o111


# --- deliver 4: text decoding and size ---------------------------------------------------


def test_a_chapter_not_in_utf8_does_not_fail_the_course(context, sample_content):
    with altered(sample_content) as manifest:
        chapter = manifest["parts"][0]["chapters"][0]
        chapter["blocks"][0]["asset"] = served(
            sample_content, "<p>Sécurité d'abord</p>".encode("cp1252"), "text/html"
        )
        chapter["blocks"].append(
            {
                "type": "text",
                "title": "",
                "asset": served(
                    sample_content,
                    "<p>Prix : 5 €</p>".encode("iso-8859-15"),
                    'text/html; charset="ISO-8859-15"',
                ),
            }
        )
        library = context.library()
        library.download(COURSE, Control.new())
        assert set(library.chapter_states(COURSE).values()) == {OFFLINE}
        page = library.chapter_html(COURSE, chapter["id"])
    assert "Sécurité d'abord" in page and "5 €" in page
    assert library.search("Sécurité")


def test_decoding_falls_back_and_never_raises():
    from companion.services.course_files import decode_text

    assert decode_text("é".encode(), "text/plain; charset=no-such-charset") == "é"
    assert decode_text(b"caf\xe9", "text/html; charset=utf-8") == "café"
    assert decode_text(b"\x81\x8d", "text/html") == "\ufffd\ufffd"


def test_a_huge_chapter_is_not_shown_whole(context, sample_content):
    huge = b"<p>" + b"PAYEZ " * 1_000_000 + b"</p>"  # 6 MB of text
    with altered(sample_content) as manifest:
        chapter = manifest["parts"][0]["chapters"][0]
        chapter["blocks"][0]["asset"] = served(sample_content, huge, "text/html")
        library = context.library()
        library.download(COURSE, Control.new())
        page = library.chapter_html(COURSE, chapter["id"])
    assert len(page) < 10_000
    assert "too long" in page and "6 MB" in page


# --- manifests and course ids ------------------------------------------------------------


def test_a_manifest_naming_another_course_overwrites_nothing(context, sample_content):
    library = context.library()
    other = library.update_manifest("debuter-python")
    with altered(sample_content) as manifest:
        manifest["id"] = "debuter-python"
        manifest["title"] = "Cours remplacé"
        with pytest.raises(UserFacingError, match="unusable description"):
            library.update_manifest(COURSE)
    assert library.manifest("debuter-python") == other
    assert library.manifest(COURSE) is None


def test_an_unsolicited_304_is_a_clear_error(context, platform_env):
    platform_env.faults.set(status=304, path_prefix="/v1/courses/")
    with pytest.raises(UserFacingError):
        context.library().update_manifest(COURSE)


@pytest.mark.parametrize("course_id", ["../etc", "a/b", "..", "", "x" * 200, "cours%2f.."])
def test_a_course_id_that_is_not_an_id_is_refused_plainly(context, course_id):
    entry = {
        "id": course_id,
        "title": "t",
        "summary": "s",
        "category": "c",
        "level": "l",
        "language": "fr",
        "duration_minutes": 1,
        "version": "1",
        "size_bytes": 1,
        "premium": False,
    }
    with pytest.raises(ContractError):
        parse_catalog_entry(entry, "catalog.courses[0]")
    library = context.library()
    with pytest.raises(UserFacingError, match="identifier is not valid"):
        library.add_course(course_id)
    with pytest.raises(UserFacingError, match="identifier is not valid"):
        library.update_manifest(course_id)
    assert course_id not in library.my_courses()


# --- certificates ------------------------------------------------------------------------


@pytest.fixture
def wallet(tmp_path):
    progress = ProgressService(tmp_path / "laptop")
    yield CertificateService(progress.db, tmp_path / "laptop" / "certificates")
    progress.close()


def test_a_credential_subject_that_is_a_string_shows_and_exports(wallet, tmp_path):
    key = RSAKey.generate_key(2048, {"kid": "k1"})
    wallet.save_keys({"keys": [key.as_dict(private=False)]})
    issuer = "https://plateforme.example"
    claims = {
        "iss": issuer,
        "sub": "u-1",
        "vc": {
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer},
            "credentialSubject": "pas un objet",
        },
    }
    token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
    wallet.save(CertificateSummary("c-1", COURSE, "Titre", "2026-01-01"), token, None)
    wallet.save(CertificateSummary("c-2", COURSE, "Titre é", "2026-01-02"), "jwt-é", None)
    shown = wallet.certificates(issuer, "u-1")
    assert [c.achievement for c in shown] == ["Titre é", "Titre"]
    wallet.export_credential("c-2", tmp_path / "c-2.jwt")  # non-ASCII: saved, no crash
    assert (tmp_path / "c-2.jwt").read_text(encoding="utf-8") == "jwt-é\n"


# --- the asset store's rename-then-record window -----------------------------------------


class Killed(BaseException):
    """Stands for SIGKILL at that point: nothing after it runs."""


@pytest.mark.parametrize("kill_at", ["record", "rename"])
def test_a_kill_while_an_asset_is_committed_leaves_nothing_uncounted(
    tmp_path, monkeypatch, kill_at
):
    store = AssetStore(tmp_path / "assets")
    data = b"contenu du cours"
    sha = hashlib.sha256(data).hexdigest()
    store.partial_path(sha).write_bytes(data)
    if kill_at == "record":
        real_write = store.db.write

        def killed_write():
            raise Killed

        monkeypatch.setattr(store.db, "write", killed_write)
    else:

        def killed_replace(*_args):
            raise Killed

        monkeypatch.setattr(os, "replace", killed_replace)
    with pytest.raises(Killed):
        store.commit(sha, len(data))
    monkeypatch.undo()
    if kill_at == "record":
        store.db.write = real_write  # type: ignore[method-assign]
    in_place = store.has(sha)
    counted = store.used_bytes()
    store.collect_garbage()  # nobody holds it: whatever is there is collected
    assert not in_place or counted == len(data)  # a file in place is always counted
    assert not store.has(sha) and store.used_bytes() == 0


def test_the_sandbox_keeps_its_courses_in_a_private_folder(monkeypatch, tmp_path):
    from companion.sandbox.server import default_cache_root

    root = default_cache_root()
    assert str(root).startswith(os.environ["COMPANION_HOME"])
    assert not str(root).startswith("/tmp/companion-sandbox")
    if os.name == "posix":
        assert stat.S_IMODE(root.stat().st_mode) == 0o700
        assert root.stat().st_uid == os.getuid()
