"""The sync speaks the xAPI 1.0.3 statements protocol (issue 11), as real stores answer it:
a resend answered 204, a 409 for a known id with other content, pages joined by `more`
links, the next pull from `X-Experience-API-Consistent-Through`, and the store the
platform (or a setting) names."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from companion.errors import UserFacingError
from companion.services.progress import ProgressService
from companion.sync.client import PlatformUnreachable
from companion.sync.outbox import push
from companion.sync.pull import pull
from companion.sync.xapi_lrs import XAPI_VERSION
from tests.auth_helpers import Browser
from tests.integration.test_push import api_for
from tests.sync_helpers import HOME, complete_chapters


def test_a_resend_after_a_lost_acknowledgement_is_taken_from_a_204(sandbox, tmp_path):
    device = complete_chapters(ProgressService(tmp_path), 3)
    api = api_for(sandbox)
    sandbox.faults.set(drop_after_bytes=1, path_prefix="/v1/xapi", times=1)  # stored, unsaid
    with pytest.raises(PlatformUnreachable):
        push(device, api, "u-1001", HOME)
    assert sandbox.statements.count() == 3 and device.pending_count() == 3
    report = push(device, api, "u-1001", HOME)  # the store knew them all: 204, no body
    assert (report.sent, device.pending_count()) == (3, 0)
    assert sandbox.statements.count() == 3


def test_a_known_id_with_other_content_is_set_aside_not_resent_forever(sandbox, tmp_path):
    device = complete_chapters(ProgressService(tmp_path), 3)
    api = api_for(sandbox)
    first_id = device.take(1, "u-1001")[0][0]
    push(device, api, "u-1001", HOME)
    with device.db.write() as c:  # the same id again, other content (another timestamp)
        changed = complete_chapters(ProgressService(tmp_path / "other"), 1).take(1, "u-1001")
        statement = {**changed[0][1], "id": first_id}
        c.execute(
            "INSERT INTO outbox (id, statement, created_at) VALUES (?, ?, 0)",
            (first_id, json.dumps(statement)),
        )
    complete_chapters(device, 2, first=10)
    report = push(device, api, "u-1001", HOME)
    assert (report.sent, report.set_aside) == (2, 1)
    [(aside_id, reason)] = device.set_aside_statements()
    assert aside_id == first_id and reason.startswith("409 already stored with other content")
    sandbox.traffic.reset()
    assert push(device, api, "u-1001", HOME).sent == 0  # never sent again
    assert sandbox.traffic.requests.get("/v1/xapi", 0) == 0


def test_pull_follows_more_links_and_starts_again_where_the_store_was_complete(sandbox, tmp_path):
    laptop = complete_chapters(ProgressService(tmp_path / "laptop"), 7)
    kiosk = ProgressService(tmp_path / "kiosk")
    api = api_for(sandbox)
    push(laptop, api, "u-1001", HOME)
    sandbox.traffic.reset()
    assert pull(kiosk, api, "u-1001", HOME, page=3) == 7
    assert sandbox.traffic.requests["/v1/xapi"] == 3  # 3 + 3 + 1, by the `more` links
    since = datetime.fromisoformat(kiosk.pull_cursor())
    # The last statement kept, not the consistent-through time five minutes early: what was
    # stored since then has been seen (issue 28: a history stored in the last minutes was
    # fetched again at each sync).
    last = max(
        datetime.fromisoformat(s["statement"]["stored"]) for s in sandbox.statements.snapshot()
    )
    assert since == last and datetime.now(UTC) - since < timedelta(minutes=1)
    complete_chapters(laptop, 2, first=20)
    push(laptop, api, "u-1001", HOME)
    assert pull(kiosk, api, "u-1001", HOME, page=3) == 2
    assert len(kiosk.completed_activities()) == 9


def test_each_request_says_its_xapi_version(sandbox, tmp_path):
    device = complete_chapters(ProgressService(tmp_path), 1)
    seen: list[str] = []
    api = api_for(sandbox)
    original = api.client.session.request

    def spy(method, url, **kwargs):
        if "/v1/xapi/" in url:
            seen.append(kwargs["headers"].get("X-Experience-API-Version", ""))
        return original(method, url, **kwargs)

    api.client.session.request = spy  # type: ignore[method-assign,assignment]
    push(device, api, "u-1001", HOME)
    pull(device, api, "u-1001", HOME)
    assert seen and set(seen) == {XAPI_VERSION}


# --- where the store lives -----------------------------------------------------------------


@pytest.fixture
def second_store(sandbox, sample_content):
    """Another learning record store on another port, trusting the same provider."""
    from companion.sandbox.server import SandboxServer

    with SandboxServer(
        content=sample_content, provider=sandbox.oidc, learners=sandbox.learners
    ) as other:
        yield other
    sandbox.app.config.pop("XAPI_ENDPOINT", None)


def test_progress_goes_to_the_store_the_platform_names(
    context, platform_env, second_store, memory_keyring
):
    platform_env.app.config["XAPI_ENDPOINT"] = f"{second_store.url}/v1/xapi/"
    context.account.sign_in_with_browser(Browser("camille"), threading.Event())
    complete_chapters(context.progress(), 2)
    assert context.sync_once().pending == 0
    assert second_store.statements.count() == 2
    assert platform_env.statements.count() == 0


def test_a_configured_store_wins_over_the_platforms(
    context, platform_env, second_store, memory_keyring, monkeypatch
):
    context.account.sign_in_with_browser(Browser("camille"), threading.Event())
    monkeypatch.setitem(
        context.settings._environment, "sync.lrs_url", f"{second_store.url}/v1/xapi"
    )
    complete_chapters(context.progress(), 1)
    assert context.sync_once().pending == 0
    assert (second_store.statements.count(), platform_env.statements.count()) == (1, 0)


def test_a_store_without_tls_is_refused(sandbox):
    with pytest.raises(UserFacingError, match="https://"):
        api_for(sandbox).with_lrs("http://lrs.example.org/xAPI/")
