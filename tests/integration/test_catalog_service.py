from __future__ import annotations

import json

import pytest

from companion.app.context import AppContext
from companion.resources import resource
from companion.sync.client import PlatformError, PlatformUnreachable
from tests.conftest import unused_port


def test_refresh_saves_a_copy_used_when_the_platform_fails(platform_env):
    context = AppContext.create()
    try:
        online = context.catalog.refresh()
        assert online.online and online.problem is None and len(online.courses) >= 4
        platform_env.faults.set(status=503, retry_after=0)
        offline = context.catalog.refresh()
        assert not offline.online
        assert isinstance(offline.problem, PlatformError)
        assert [c.id for c in offline.courses] == [c.id for c in online.courses]
        assert offline.fetched_at == online.fetched_at
    finally:
        context.close()


def test_without_a_saved_copy_the_error_reaches_the_caller(monkeypatch):
    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", f"http://127.0.0.1:{unused_port()}")
    monkeypatch.setenv("COMPANION_NETWORK_RETRIES", "0")
    context = AppContext.create()
    try:
        with pytest.raises(PlatformUnreachable):
            context.catalog.refresh()
    finally:
        context.close()


def test_a_damaged_saved_copy_is_ignored(platform_env):
    context = AppContext.create()
    try:
        context.catalog.cache_file.write_text('{"courses": [{"id": 3}], "fetched_at": "x"}')
        assert context.catalog.cached() is None
        platform_env.faults.set(status=503, retry_after=0)
        with pytest.raises(PlatformError):
            context.catalog.refresh()
        assert "id" in context.catalog.cache_file.read_text()  # not overwritten by a failure
    finally:
        context.close()


def test_demo_mode_starts_the_built_in_sandbox_on_loopback():
    context = AppContext.create()
    try:
        assert context.connection.is_demo
        result = context.catalog.refresh()
        assert len(result.courses) >= 4
        assert context.connection.api().address.startswith("http://127.0.0.1:")
    finally:
        context.close()


def test_the_shipped_demo_catalogue_is_what_the_demo_platform_serves(sample_content):
    """Painted on a first start in demo mode before the demo platform answers (issue 14):
    it must be the same courses. When the sample courses change, run tools/demo_catalog.py."""
    shipped = json.loads(resource("demo_catalog.json").read_text(encoding="utf-8"))
    assert shipped == {"courses": sample_content.catalog()}, "run tools/demo_catalog.py"


def test_a_first_start_in_demo_mode_has_the_demo_catalogue_before_any_answer():
    context = AppContext.create()
    try:
        first = context.catalog.cached()
        assert first is not None and not first.online and first.fetched_at is None
        assert {c.id for c in first.courses} == {c.id for c in context.catalog.refresh().courses}
        saved = context.catalog.cached()
        assert saved is not None and saved.fetched_at is not None  # the live one, saved
    finally:
        context.close()


def test_a_platform_of_ones_own_never_shows_the_demo_catalogue(platform_env):
    context = AppContext.create()
    try:
        assert context.catalog.cached() is None
    finally:
        context.close()
