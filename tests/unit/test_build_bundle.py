"""scripts/build-bundle's --if-stale (tools/build_bundle.py): the suite's smoke test builds
the bundle again exactly when something that goes into it changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import build_bundle


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "companion" / "__pycache__").mkdir(parents=True)
    (tmp_path / "companion" / "cli.py").write_text("print('a')\n", encoding="utf-8")
    (tmp_path / "companion.spec").write_text("# spec\n", encoding="utf-8")
    monkeypatch.setattr(build_bundle, "ROOT", tmp_path)
    monkeypatch.setattr(build_bundle, "SOURCES", ("companion", "companion.spec"))
    return tmp_path


def test_the_digest_follows_the_sources_and_nothing_else(sources):
    first = build_bundle.sources_digest()
    (sources / "companion" / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"\0")
    (sources / "README.md").write_text("not in the bundle\n", encoding="utf-8")
    assert build_bundle.sources_digest() == first
    (sources / "companion" / "cli.py").write_text("print('b')\n", encoding="utf-8")
    assert build_bundle.sources_digest() != first


def test_a_renamed_file_changes_the_digest(sources):
    first = build_bundle.sources_digest()
    (sources / "companion" / "cli.py").rename(sources / "companion" / "main.py")
    assert build_bundle.sources_digest() != first


def test_every_source_named_exists():
    for name in build_bundle.SOURCES:
        assert (build_bundle.ROOT / name).exists(), name
