"""`companion prefetch`: the shared cache filled headless, over real HTTP to the sandbox."""

from __future__ import annotations

import threading

import pytest

from companion.cli import main
from companion.errors import UserFacingError
from companion.jobs import Control
from companion.paths import Paths
from companion.services.prefetch import PREFETCH_OWNER
from companion.store.assets import AssetStore
from tests.conftest import unused_port

COURSE = "securite-chantier"


@pytest.fixture
def cli_env(platform_env, monkeypatch):
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")
    platform_env.traffic.reset()
    return platform_env


def digests(sample_content, course_id: str) -> set[str]:
    return {
        block["asset"]["sha256"]
        for part in sample_content.courses[course_id].manifest["parts"]
        for chapter in part["chapters"]
        for block in chapter["blocks"]
        if "asset" in block
    }


def shared_store() -> AssetStore:
    return AssetStore(Paths.default().shared_assets_dir)


def test_prefetch_by_id_fills_the_shared_cache_under_a_pinned_machine_owner(
    cli_env, sample_content, capsys
):
    assert main(["prefetch", COURSE]) == 0
    out = capsys.readouterr().out
    assert f"[1/1] {COURSE}: 9 of 9 files to fetch" in out and "ready" in out
    store = shared_store()
    assert all(store.has(sha) for sha in digests(sample_content, COURSE))
    assert store.is_pinned(PREFETCH_OWNER, COURSE)
    assert cli_env.traffic.requests.get("/v1/me") is None  # nobody signed in, none needed
    store.db.close()


def test_prefetch_all_takes_the_whole_catalogue(cli_env, sample_content, capsys):
    assert main(["prefetch", "--all"]) == 0
    store = shared_store()
    for course_id in sample_content.courses:
        assert all(store.has(sha) for sha in digests(sample_content, course_id))
    out = capsys.readouterr().out
    n = len(sample_content.courses)
    assert f"Prefetch finished: {n} of {n} ready" in out
    store.db.close()


def test_a_second_run_fetches_nothing(cli_env, capsys):
    assert main(["prefetch", COURSE]) == 0
    cli_env.traffic.reset()
    assert main(["prefetch", COURSE]) == 0
    assert "already complete (9 files), nothing to fetch" in capsys.readouterr().out
    assert "/v1/assets" not in cli_env.traffic.requests  # only the manifest was asked for


def test_an_unknown_course_fails_clearly_and_the_others_are_still_fetched(
    cli_env, sample_content, capsys
):
    assert main(["prefetch", "no-such-course", COURSE]) == 1
    captured = capsys.readouterr()
    assert "no-such-course: failed: There is no course “no-such-course”" in captured.out
    assert "Prefetch failed for 1 of 2 courses: no-such-course." in captured.err
    store = shared_store()
    assert all(store.has(sha) for sha in digests(sample_content, COURSE))
    store.db.close()


def test_an_unreachable_platform_fails_clearly(cli_env, monkeypatch, capsys):
    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", f"http://127.0.0.1:{unused_port()}")
    monkeypatch.setenv("COMPANION_NETWORK_RETRIES", "0")
    for argv in (["prefetch", "--all"], ["prefetch", COURSE, "debuter-python"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "Prefetch stopped: the platform cannot be reached." in err
        assert "network.proxy" in err


def test_ids_or_all_but_not_neither(cli_env, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["prefetch"])
    assert stopped.value.code == 2
    assert "give course ids, or --all" in capsys.readouterr().err


def test_a_learners_budget_never_evicts_a_prefetched_course(context, cli_env, sample_content):
    library = context.library()
    library.download("debuter-python", Control.new())  # the learner's own, not pinned
    assert main(["prefetch", COURSE]) == 0
    store = library.assets
    with pytest.raises(UserFacingError, match="does not fit"):  # a budget with no room left
        store.make_room(1, 0, keep=(library.profile, "another-course"))
    assert not any(store.has(sha) for sha in digests(sample_content, "debuter-python"))
    assert all(store.has(sha) for sha in digests(sample_content, COURSE))


def test_a_learner_then_gets_a_prefetched_course_without_fetching_a_file(context, cli_env):
    assert main(["prefetch", COURSE]) == 0
    cli_env.traffic.reset()
    report = context.library().download(COURSE, Control.new())
    assert report.fetched_assets == 0
    assert "/v1/assets" not in cli_env.traffic.requests


def test_asset_requests_carry_nothing_that_stops_a_shared_cache(context, cli_env, memory_keyring):
    """No credentials, no cache-defeating header, no per-learner query string: a training
    centre's proxy can serve one stored copy to every learner."""
    from tests.auth_helpers import Browser

    context.account.sign_in_with_browser(Browser("camille"), threading.Event())
    sent = []

    def record(response, *args, **kwargs):
        sent.append((response.request.url, dict(response.request.headers)))

    context.connection.api().client.session.hooks["response"].append(record)
    context.connection.download_client().session.hooks["response"].append(record)
    context.library().download(COURSE, Control.new())
    assets = [(url, headers) for url, headers in sent if "/v1/assets/" in url]
    assert assets and any("Authorization" in h for u, h in sent if "/v1/me/" in u)
    for url, headers in assets:
        assert "?" not in url
        names = {name.lower() for name in headers}
        assert not names & {"authorization", "cookie", "cache-control", "pragma"}
