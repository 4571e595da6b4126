"""The sync against Ralph, a real learning record store (issue 11), started by the tests on
loopback in its own environment and trusting the sandbox as its OpenID provider: Ralph
checks the learner's own JWT access token (its signature, issuer, audience, expiry).

Push, resend after a lost acknowledgement (Ralph answers 204 with no body), pull from a
second device, set-aside of a statement Ralph refuses, through the app's own sync."""

from __future__ import annotations

import json
import threading

import pytest

from companion.services.progress import ProgressService
from companion.sync.client import PlatformUnreachable
from companion.sync.outbox import push
from companion.sync.pull import pull
from tests.auth_helpers import Browser
from tests.ralph import server as ralph_server
from tests.ralph.fixtures import ralph_api
from tests.sync_helpers import HOME, complete_chapters

pytestmark = pytest.mark.skipif(
    not ralph_server.available(), reason="Ralph is installed by scripts/setup.sh dev"
)


def test_the_app_syncs_progress_to_ralph(context, platform_env, ralph, memory_keyring, monkeypatch):
    monkeypatch.setitem(context.settings._environment, "sync.lrs_url", ralph.url)
    context.account.sign_in_with_browser(Browser("camille"), threading.Event())
    complete_chapters(context.progress(), 3)
    status = context.sync_once()
    assert status.pending == 0, status
    assert ralph.count() == 3 and platform_env.statements.count() == 0
    stored = ralph.stored()[0]
    assert stored["actor"]["account"]["name"] == "u-1001"
    assert stored["authority"] == {"openid": f"{platform_env.url}/u-1001", "objectType": "Agent"}


def test_a_resend_after_a_lost_acknowledgement_is_kept_once(sandbox, ralph, tmp_path):
    device = complete_chapters(ProgressService(tmp_path), 4)
    api = ralph_api(sandbox, ralph)
    api.post_statements([s for _, s in _with_actor(device)])  # stored; the answer was lost
    report = push(device, api, "u-1001", HOME)  # Ralph: 204, every one known
    assert (report.sent, device.pending_count(), ralph.count()) == (4, 0, 4)


def test_a_second_device_pulls_what_the_first_sent(sandbox, ralph, tmp_path):
    laptop = complete_chapters(ProgressService(tmp_path / "laptop"), 5)
    kiosk = ProgressService(tmp_path / "kiosk")
    api = ralph_api(sandbox, ralph)
    push(laptop, api, "u-1001", HOME)
    assert pull(kiosk, api, "u-1001", HOME, page=2) == 5  # three pages, by `more` links
    assert kiosk.completed_activities() == laptop.completed_activities()
    complete_chapters(laptop, 2, first=10)
    push(laptop, api, "u-1001", HOME)
    assert (
        pull(kiosk, api, "u-1001", HOME, page=2) == 2
    )  # all again: Ralph says no Consistent-Through
    assert pull(kiosk, api, "u-1001", HOME) == 0


def test_another_learners_statements_are_not_pulled(sandbox, ralph, tmp_path):
    push(
        complete_chapters(ProgressService(tmp_path / "c"), 2),
        ralph_api(sandbox, ralph),
        "u-1001",
        HOME,
    )
    karim = ProgressService(tmp_path / "k")
    assert pull(karim, ralph_api(sandbox, ralph, "karim"), "u-1002", HOME) == 0


def test_statements_ralph_refuses_are_set_aside_and_the_rest_goes(sandbox, ralph, tmp_path):
    device = complete_chapters(ProgressService(tmp_path), 6)
    bad_id = device.take(6, "u-1001")[2][0]
    with device.db.write() as c:  # Ralph validates statements: one without a verb is not xAPI
        row = json.loads(
            c.execute("SELECT statement FROM outbox WHERE id = ?", (bad_id,)).fetchone()[0]
        )
        del row["verb"]
        c.execute("UPDATE outbox SET statement = ? WHERE id = ?", (json.dumps(row), bad_id))
    report = push(device, ralph_api(sandbox, ralph), "u-1001", HOME)
    assert (report.sent, report.set_aside, ralph.count()) == (5, 1, 5)
    [(aside, reason)] = device.set_aside_statements()
    assert aside == bad_id and "verb" in reason, reason


def test_a_known_id_with_other_content_is_set_aside_by_its_409(sandbox, ralph, tmp_path):
    device = complete_chapters(ProgressService(tmp_path), 2)
    api = ralph_api(sandbox, ralph)
    [(known_id, statement), _] = _with_actor(device)
    api.post_statements([{**statement, "timestamp": "2020-01-01T00:00:00+00:00"}])
    report = push(device, api, "u-1001", HOME)
    assert (report.sent, report.set_aside) == (1, 1)
    [(aside, reason)] = device.set_aside_statements()
    assert aside == known_id and reason.startswith("409")


def test_a_token_for_another_audience_is_refused_by_ralph(sandbox, ralph, tmp_path):
    sandbox.oidc.access_token_audience = "https://someone-else.example"
    device = complete_chapters(ProgressService(tmp_path), 1)
    with pytest.raises(Exception) as refused:
        push(device, ralph_api(sandbox, ralph), "u-1001", HOME)
    assert not isinstance(refused.value, PlatformUnreachable)
    assert device.pending_count() == 1 and ralph.count() == 0


def _with_actor(device: ProgressService) -> list[tuple[str, dict[str, object]]]:
    from companion import xapi

    return [(i, xapi.with_actor(s, "u-1001", HOME)) for i, s in device.take(100, "u-1001")]


def test_an_action_made_offline_days_ago_still_reaches_the_other_device(sandbox, ralph, tmp_path):
    """Ralph filters `since` on when the learner acted, not on when it was stored: a
    since-based pull would never bring this one to the kiosk."""
    laptop = complete_chapters(ProgressService(tmp_path / "laptop"), 1)
    kiosk = ProgressService(tmp_path / "kiosk")
    api = ralph_api(sandbox, ralph)
    push(laptop, api, "u-1001", HOME)
    pull(kiosk, api, "u-1001", HOME)  # the kiosk is up to date
    offline = complete_chapters(ProgressService(tmp_path / "phone"), 1, first=5)
    with offline.db.write() as c:  # made three days ago on a phone without a connection
        [(statement_id, statement)] = offline.take(1, "u-1001")
        statement["timestamp"] = "2026-01-01T10:00:00+00:00"
        c.execute(
            "UPDATE outbox SET statement = ? WHERE id = ?", (json.dumps(statement), statement_id)
        )
    push(offline, api, "u-1001", HOME)
    assert pull(kiosk, api, "u-1001", HOME) == 1
    assert len(kiosk.completed_activities()) == 2
