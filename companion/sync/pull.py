"""Pull the learner's statements from every device since the last pull, and merge them.

Merging is adding facts: each statement id is kept once, so pulling twice, or pulling what
this device sent, changes nothing. Derived progress (chapters completed, best scores) is
computed from the facts, so devices converge whatever order they sync in.

Where the next pull starts (the cursor) is kept with each page's statements, in the same
transaction: a long history arrives over several syncs (each one bounded, see
``MAX_STATEMENTS_PER_PULL``), and a pull killed half-way takes up at the last page kept
(issue 28: the cursor moved only when a pull was complete, so a history longer than one
pull was fetched from its start at every sync and its end never arrived).

- A store that says how far its answer is complete (``X-Experience-API-Consistent-Through``)
  is asked ``since`` a time: after each page, the ``stored`` time of its last statement
  (pages come oldest first); once complete, that time or the consistent-through time a few
  minutes early, whichever is later, so statements stored at that very moment or seen late
  by one node of the store are fetched again rather than missed.
- A store that does not say so is taken up where its last page was, in its own order (the
  page's ``resume`` link). Ralph is one: it filters ``since`` on each statement's
  ``timestamp`` (when the learner acted) rather than on when it was stored, as xAPI 1.0.3
  asks, so a statement made offline days ago and sent today would never reach the
  learner's other devices through a ``since`` query. Its last page is read again at each
  sync (at most one page of statements already known) with whatever was stored after it.
- A store that gives neither (a Moodle site gives its whole state each time) is asked for
  everything each time; merging is idempotent.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from companion import xapi
from companion.platform import Platform, StatementPage

log = logging.getLogger("companion.sync")

OVERLAP = timedelta(minutes=5)


class Pulled(int):
    """How many statements were new; ``more_waits``: the pull stopped at its bound with
    new statements still coming, so the next sync need not wait its period."""

    more_waits: bool = False


class Facts(Protocol):
    def pull_cursor(self) -> str: ...
    def merge_pulled(self, statements: list[dict[str, Any]], cursor: str) -> int: ...


def pull(facts: Facts, api: Platform, learner_id: str, home_page: str, page: int = 500) -> Pulled:
    """Fetch the pages since the stored point, at most one pull's worth; returns how many
    statements were new.

    A statement that is not valid xAPI (as far as merging reads it) is left out with a
    log line, and the rest merged: one bad fact must not stop every later sync."""
    point = _start(facts.pull_cursor())
    agent = xapi.agent(learner_id, home_page)
    added, through = 0, ""
    resource = api.statements()
    for found in resource.query(agent, point, page):
        through = found.consistent_through
        point = _after(point, found)
        added += facts.merge_pulled(_valid(found.statements), point)
    pulled = Pulled(added)
    if resource.complete:
        facts.merge_pulled([], _finished(point, through))
    else:
        pulled.more_waits = added > 0  # a store whose pages bring nothing new can wait
    return pulled


def _after(point: str, found: StatementPage) -> str:
    """Where to start again after this page has been kept."""
    if found.consistent_through:  # `since` on stored times; without them, where it was
        return _latest_stored(found.statements) or point
    # A store's own place after this page, if it gives one (an xAPI store does).
    resume = str(getattr(found, "resume", "") or "")
    return resume or point


def _finished(point: str, through: str) -> str:
    """The point once the store's last page is kept."""
    try:
        complete = _utc(through)
    except ValueError:
        return point  # no consistent-through: the last page's place (or everything)
    early = complete - OVERLAP
    try:
        seen = min(_utc(point), complete)
    except ValueError:
        seen = early
    return max(early, seen).isoformat(timespec="milliseconds")


def _latest_stored(statements: list[dict[str, Any]]) -> str:
    latest: datetime | None = None
    for statement in statements:
        try:
            stored = _utc(str(statement.get("stored", "")))
        except ValueError:
            continue
        latest = stored if latest is None or stored > latest else latest
    return "" if latest is None else _text(latest)


def _valid(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = []
    for statement in statements:
        problem = xapi.problem_with(statement)
        if problem:
            log.warning("pulled statement %.80r left out: %s", statement.get("id"), problem)
        else:
            kept.append(statement)
    return kept


def _start(cursor: str) -> str:
    """The stored point: an ISO 8601 time, a store's link, or "" for the start (a cursor of
    an earlier release, which only fetches again what is known)."""
    if cursor.startswith(("/", "http://", "https://")):
        return cursor
    try:
        datetime.fromisoformat(cursor)
    except ValueError:
        return ""
    return cursor


def _text(moment: datetime) -> str:
    """A time as ``since`` is sent: milliseconds, rounded down (an earlier ``since`` only
    fetches a statement again)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat(
        timespec="milliseconds"
    )


def _utc(text: str) -> datetime:
    """An xAPI timestamp as an aware UTC time (a naive one is taken as UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
