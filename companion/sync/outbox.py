"""Drain the outbox: statements leave it only once the platform has acknowledged them.

Batches go in the order the actions happened. A learning record store refuses a whole
batch for one bad statement (xAPI: 400, or 409 for a known id with other content); the
batch is then split in halves until the bad one is alone, and that one is set aside (shown
in diagnostics) so the rest is not blocked. Any other failure (offline, 5xx, 429) stops the
push with everything still queued: the caller tries again later.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple, Protocol

from companion import xapi
from companion.platform import Platform
from companion.sync.client import PlatformError

log = logging.getLogger("companion.sync")

BATCH = 500
# 400 is xAPI's word for an invalid statement; Ralph (FastAPI) says 422.
REFUSED_FOR_GOOD = (400, 409, 422)


class Outbox(Protocol):
    def take(self, limit: int, learner: str) -> list[tuple[str, dict[str, Any]]]: ...
    def acknowledge(self, ids: list[str]) -> None: ...
    def set_aside(self, statement_id: str, reason: str) -> None: ...
    def note_failure(self, ids: list[str], reason: str) -> None: ...


class PushReport(NamedTuple):
    sent: int
    set_aside: int


def push(
    outbox: Outbox, api: Platform, learner_id: str, home_page: str, batch: int = BATCH
) -> PushReport:
    """Send everything queued, oldest first; raises what stops it (offline, busy)."""
    sent = set_aside = 0
    previous: list[str] = []
    while pending := outbox.take(batch, learner_id):
        ids = [statement_id for statement_id, _ in pending]
        if ids == previous:  # acknowledged but still queued: never loop on it
            log.error("outbox did not drain after an acknowledgement; stopping this push")
            break
        previous = ids
        done, refused = _send(outbox, api, pending, learner_id, home_page)
        sent, set_aside = sent + done, set_aside + refused
    return PushReport(sent, set_aside)


def _send(
    outbox: Outbox,
    api: Platform,
    pending: list[tuple[str, dict[str, Any]]],
    learner_id: str,
    home_page: str,
) -> tuple[int, int]:
    ids = [statement_id for statement_id, _ in pending]
    statements = [xapi.with_actor(s, learner_id, home_page) for _, s in pending]
    try:
        api.post_statements(statements)
    except PlatformError as error:
        # 400/422: not valid xAPI; 409: a known id with other content (a store that stamped
        # its own timestamp, say). Neither can ever be accepted as it is: find the one.
        if error.status not in REFUSED_FOR_GOOD:
            outbox.note_failure(ids, f"{error.status} {error.message}")
            raise
        if len(pending) == 1:
            reason = _reason(error)
            log.warning(
                "statement %s refused as invalid and set aside: %s [%s]",
                ids[0],
                reason,
                error.request_id,
            )
            outbox.set_aside(ids[0], reason)
            return 0, 1
        middle = len(pending) // 2
        first = _send(outbox, api, pending[:middle], learner_id, home_page)
        second = _send(outbox, api, pending[middle:], learner_id, home_page)
        return first[0] + second[0], first[1] + second[1]
    outbox.acknowledge(ids)
    return len(ids), 0


def _reason(error: PlatformError) -> str:
    if error.status == 409:
        detail = error.problem.get("detail") or error.message
        return f"409 already stored with other content: {detail}"
    invalid = error.problem.get("invalid")
    if isinstance(invalid, list) and invalid and isinstance(invalid[0], dict):
        return str(invalid[0].get("reason", error.message))
    detail = error.problem.get("detail")
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):  # FastAPI's
        where = ".".join(str(part) for part in detail[0].get("loc", ())[2:])
        return f"{where}: {detail[0].get('msg', '')}".strip(": ")
    return str(detail or error.message)
