"""Draining the outbox to the sandbox over real HTTP: nothing lost, nothing twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from companion.services.progress import ProgressService
from companion.sync.client import HttpClient, NetworkConfig, PlatformError, PlatformUnreachable
from companion.sync.outbox import push
from companion.sync.platform_v1 import PlatformV1
from tests.sync_helpers import HOME, StaticToken, complete_chapters


def api_for(sandbox, login="camille") -> PlatformV1:
    token = sandbox.oidc.issue_token_for(sandbox.learners.records[login])
    client = HttpClient(NetworkConfig(base_url=sandbox.url, retries=0, timeout_seconds=5))
    return PlatformV1(client, StaticToken(token))


def test_everything_is_sent_in_batches_and_leaves_the_outbox(sandbox, tmp_path):
    service = ProgressService(tmp_path)
    complete_chapters(service, 250)
    report = push(service, api_for(sandbox), "u-1001", HOME, batch=100)
    assert report.sent == 250 and report.set_aside == 0
    assert service.pending_count() == 0
    assert sandbox.statements.count() == 250


def test_one_invalid_statement_is_set_aside_and_the_rest_goes(sandbox, tmp_path):
    service = ProgressService(tmp_path)
    complete_chapters(service, 40)
    bad_id = service.take(40, "u-1001")[17][0]
    with service.db.write() as c:  # a statement the platform will refuse
        row = json.loads(
            c.execute("SELECT statement FROM outbox WHERE id = ?", (bad_id,)).fetchone()[0]
        )
        row["object"]["id"] = "not an iri"
        c.execute("UPDATE outbox SET statement = ? WHERE id = ?", (json.dumps(row), bad_id))
    report = push(service, api_for(sandbox), "u-1001", HOME, batch=40)
    assert (report.sent, report.set_aside) == (39, 1)
    assert service.set_aside_statements() == [(bad_id, "object.id must be an IRI")]
    assert sandbox.statements.count() == 39


def test_an_outage_keeps_everything_queued(sandbox, tmp_path):
    service = ProgressService(tmp_path)
    complete_chapters(service, 10)
    sandbox.faults.set(status=503, retry_after=0, path_prefix="/v1/xapi")
    with pytest.raises(PlatformError):
        push(service, api_for(sandbox), "u-1001", HOME)
    assert service.pending_count() == 10 and sandbox.statements.count() == 0
    sandbox.faults.clear()
    assert push(service, api_for(sandbox), "u-1001", HOME).sent == 10


def test_a_lost_acknowledgement_resends_without_duplicates(sandbox, tmp_path):
    service = ProgressService(tmp_path)
    complete_chapters(service, 30)
    # The platform stores the batch but the answer never arrives.
    sandbox.faults.set(drop_after_bytes=1, path_prefix="/v1/xapi", times=1)
    with pytest.raises(PlatformUnreachable):
        push(service, api_for(sandbox), "u-1001", HOME)
    assert service.pending_count() == 30 and sandbox.statements.count() == 30
    assert push(service, api_for(sandbox), "u-1001", HOME).sent == 30
    assert service.pending_count() == 0 and sandbox.statements.count() == 30


def test_a_push_killed_with_sigkill_loses_nothing_and_duplicates_nothing(sandbox, tmp_path):
    """The app is killed mid-push (between batches or mid-request); the next start sends
    the rest. Nothing is lost and the platform holds each statement once."""
    total = 3000
    service = complete_chapters(ProgressService(tmp_path), total)
    service.close()
    token = sandbox.oidc.issue_token_for(sandbox.learners.records["camille"])
    # a slow link: each batch is stored, then its answer takes 30 ms (the kill can land there)
    sandbox.faults.set(first_byte_delay_ms=30, path_prefix="/v1/xapi")
    script = (
        "import pathlib;"
        "from companion.services.progress import ProgressService;"
        "from companion.sync.client import HttpClient, NetworkConfig;"
        "from companion.sync.outbox import push;"
        "from companion.sync.platform_v1 import PlatformV1;"
        "from tests.sync_helpers import HOME, StaticToken;"
        f"client = HttpClient(NetworkConfig(base_url={sandbox.url!r}, retries=0));"
        f"api = PlatformV1(client, StaticToken({token!r}));"
        f"push(ProgressService(pathlib.Path({str(tmp_path)!r})), api, 'u-1001', HOME, batch=40)"
    )
    process = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sandbox.statements.count() < total // 3:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)  # no clean-up of any kind
    process.wait(10)
    stored = sandbox.statements.count()
    assert 0 < stored < total, "the kill must land mid-push"
    sandbox.faults.clear()
    restarted = ProgressService(tmp_path)
    assert restarted.pending_count() >= total - stored  # everything not acknowledged is here
    push(restarted, api_for(sandbox), "u-1001", HOME)
    assert restarted.pending_count() == 0
    assert sandbox.statements.count() == total  # nothing lost...
    assert sandbox.statements.arrivals() == total  # ...and nothing stored twice
    restarted.close()
