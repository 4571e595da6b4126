"""A long history arrives in full over successive syncs, each one bounded, and later syncs
fetch only what is new (issue 28: an incomplete pull kept its old cursor, so every sync
fetched the same first 20,000 statements again and the rest never arrived; against Ralph,
every sync asked for everything)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from companion import xapi
from companion.services.progress import ProgressService
from companion.sync import xapi_lrs
from companion.sync.pull import pull
from tests.integration.test_push import api_for
from tests.ralph import server as ralph_server
from tests.ralph.fixtures import ralph_api
from tests.sync_helpers import HOME

HISTORY = 50_000


def history(n: int, first: int = 0) -> list[dict[str, Any]]:
    """``n`` completions made on other devices, as the learner's account sends them."""
    made = []
    for i in range(first, first + n):
        activity = f"{HOME}/xapi/activities/courses/c/chapters/{i}"
        statement = xapi.statement("completed", activity, "chapter", f"Chapitre {i}")
        made.append(xapi.with_actor({**statement, "id": str(uuid.uuid4())}, "u-1001", HOME))
    return made


class Counting:
    """The statements GETs a pull makes (each page is one)."""

    def __init__(self, api: Any) -> None:
        self.gets = 0
        original = api.client.session.request

        def spy(method: str, url: str, **kwargs: Any) -> Any:
            if method == "GET" and "statements" in url:
                self.gets += 1
            return original(method, url, **kwargs)

        api.client.session.request = spy


def test_a_50k_history_arrives_over_successive_syncs_then_only_what_is_new(sandbox, tmp_path):
    sandbox.statements.save("u-1001", history(HISTORY))
    kiosk = ProgressService(tmp_path)
    api = api_for(sandbox)
    counting = Counting(api)
    per_sync = []
    for _sync in range(3):
        counting.gets = 0
        per_sync.append((pull(kiosk, api, "u-1001", HOME), counting.gets))
    assert per_sync == [(20_000, 40), (20_000, 40), (10_000, 20)]  # bounded, never again
    assert len(kiosk.completed_activities()) == HISTORY
    counting.gets = 0
    assert pull(kiosk, api, "u-1001", HOME) == 0 and counting.gets == 1
    sandbox.statements.save("u-1001", history(3, first=HISTORY))
    counting.gets = 0
    assert pull(kiosk, api, "u-1001", HOME) == 3 and counting.gets == 1
    kiosk.close()


class Killed(Exception):
    pass


class KilledAfter:
    """A progress file whose process dies once ``pages`` pages are kept."""

    def __init__(self, progress: ProgressService, pages: int) -> None:
        self.progress, self.pages = progress, pages

    def pull_cursor(self) -> str:
        return self.progress.pull_cursor()

    def merge_pulled(self, statements: list[dict[str, Any]], cursor: str) -> int:
        if self.pages == 0:
            raise Killed
        self.pages -= 1
        return self.progress.merge_pulled(statements, cursor)


def test_a_pull_killed_half_way_takes_up_from_the_last_page_kept(sandbox, tmp_path):
    sandbox.statements.save("u-1001", history(2_500))
    api = api_for(sandbox)
    progress = ProgressService(tmp_path)
    with pytest.raises(Killed):
        pull(KilledAfter(progress, 2), api, "u-1001", HOME)  # 1,000 kept, then the kill
    progress.close()
    again = ProgressService(tmp_path)  # the next start
    counting = Counting(api)
    assert pull(again, api, "u-1001", HOME) == 1_500 and counting.gets == 3
    assert len(again.completed_activities()) == 2_500
    again.close()


def test_statements_stored_long_after_the_last_pull_are_still_fetched(sandbox, tmp_path):
    """The cursor is a stored time only while the store says it is complete up to then."""
    sandbox.statements.save("u-1001", history(3))
    kiosk = ProgressService(tmp_path)
    api = api_for(sandbox)
    pull(kiosk, api, "u-1001", HOME)
    cursor = datetime.fromisoformat(kiosk.pull_cursor())
    assert datetime.now(UTC) - cursor < timedelta(minutes=1)
    sandbox.statements.save("u-1001", history(2, first=3))
    assert pull(kiosk, api, "u-1001", HOME) == 2
    kiosk.close()


# --- Ralph: no consistent-through time, so its own order --------------------------------------

ralph_only = pytest.mark.skipif(
    not ralph_server.available(), reason="Ralph is installed by scripts/setup.sh dev"
)


def stored_in_ralph(ralph: Any, statements: list[dict[str, Any]]) -> None:
    """Statements as Ralph's file backend keeps them (what its POST writes), written
    straight into its file: 50,000 through its API would take minutes."""
    now = datetime.now(UTC).isoformat()
    authority = {"objectType": "Agent", "openid": "https://sandbox/u-1001"}
    with open(ralph.file, "a", encoding="utf-8") as out:
        for statement in statements:
            out.write(json.dumps({**statement, "stored": now, "authority": authority}) + "\n")


@ralph_only
def test_ralph_a_long_history_arrives_over_successive_syncs_then_only_what_is_new(
    sandbox, ralph, tmp_path, monkeypatch
):
    monkeypatch.setattr(xapi_lrs, "MAX_STATEMENTS_PER_PULL", 1_000)  # Ralph pages by 100
    stored_in_ralph(ralph, history(2_500))
    kiosk = ProgressService(tmp_path)
    api = ralph_api(sandbox, ralph)
    counting = Counting(api)
    per_sync = []
    for _sync in range(3):
        counting.gets = 0
        per_sync.append((pull(kiosk, api, "u-1001", HOME), counting.gets))
    # Each sync reads the last page it kept again (100 known), then what follows; Ralph
    # ends a history of whole pages with an empty one.
    assert per_sync == [(1_000, 10), (900, 10), (600, 8)]
    assert len(kiosk.completed_activities()) == 2_500
    counting.gets = 0
    assert pull(kiosk, api, "u-1001", HOME) == 0 and counting.gets == 2  # the last page again
    stored_in_ralph(ralph, history(3, first=2_500))
    assert pull(kiosk, api, "u-1001", HOME) == 3
    kiosk.close()


@ralph_only
def test_ralph_a_place_it_no_longer_knows_starts_again_from_the_beginning(sandbox, ralph, tmp_path):
    stored_in_ralph(ralph, history(250))
    kiosk = ProgressService(tmp_path)
    api = ralph_api(sandbox, ralph)
    assert pull(kiosk, api, "u-1001", HOME) == 250
    ralph.clear()  # the store rebuilt: the page the cursor names is gone
    stored_in_ralph(ralph, history(4, first=300))
    assert pull(kiosk, api, "u-1001", HOME) == 4
    kiosk.close()


def test_a_link_the_store_refuses_starts_again_from_the_beginning(sandbox, tmp_path):
    sandbox.statements.save("u-1001", history(3))
    kiosk = ProgressService(tmp_path)
    kiosk.merge_pulled([], "/v1/xapi/statements?from=gone")  # the store answers 400
    assert pull(kiosk, api_for(sandbox), "u-1001", HOME) == 3
    kiosk.close()


def test_a_link_to_another_store_starts_again_from_the_beginning(sandbox, tmp_path):
    sandbox.statements.save("u-1001", history(2))
    kiosk = ProgressService(tmp_path)
    kiosk.merge_pulled([], "https://lrs.elsewhere.test/xAPI/statements?search_after=x")
    assert pull(kiosk, api_for(sandbox), "u-1001", HOME) == 2
    kiosk.close()


def test_the_engine_pulls_a_long_history_in_bounded_pulls_one_after_the_other(
    sandbox, tmp_path, monkeypatch
):
    """Each pull is bounded; the next one does not wait the engine's period (15 minutes)."""
    from companion.sync.engine import SyncEngine, Target

    monkeypatch.setattr(xapi_lrs, "MAX_STATEMENTS_PER_PULL", 1_000)
    sandbox.statements.save("u-1001", history(2_500))
    kiosk = ProgressService(tmp_path)
    api = api_for(sandbox)
    engine = SyncEngine(kiosk, lambda: Target(api, "u-1001", HOME), lambda _status: None)
    engine.start()
    try:
        deadline = time.monotonic() + 20
        while len(kiosk.completed_activities()) < 2_500 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(kiosk.completed_activities()) == 2_500
        assert engine.syncs >= 3
    finally:
        engine.stop(flush_seconds=0)
        kiosk.close()
