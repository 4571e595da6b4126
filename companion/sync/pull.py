"""Pull the learner's statements from every device since the last pull, and merge them.

Merging is adding facts: each statement id is kept once, so pulling twice, or pulling what
this device sent, changes nothing. Derived progress (chapters completed, best scores) is
computed from the facts, so devices converge whatever order they sync in.

The next pull starts where the store said its answer was complete
(``X-Experience-API-Consistent-Through``), a few minutes early: statements stored at that
very moment, or seen late by one node of a store, are fetched again rather than missed.

A store that does not say so is asked for everything each time. Ralph is one: it filters
``since`` on each statement's ``timestamp`` (when the learner acted) rather than on when
it was stored, as xAPI 1.0.3 asks, so a statement made offline days ago and sent today
would never reach the learner's other devices through a ``since`` query. Every statement
is fetched again instead (merging is idempotent); correct first, then cheap.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from companion import xapi
from companion.platform import Platform

log = logging.getLogger("companion.sync")

OVERLAP = timedelta(minutes=5)


class Facts(Protocol):
    def pull_cursor(self) -> str: ...
    def merge_pulled(self, statements: list[dict[str, Any]], cursor: str) -> int: ...


def pull(facts: Facts, api: Platform, learner_id: str, home_page: str, page: int = 500) -> int:
    """Fetch every page since the stored point; returns how many statements were new.

    A statement that is not valid xAPI (as far as merging reads it) is left out with a
    log line, and the rest merged: one bad fact must not stop every later sync. A query
    the store did not finish (too many pages, or pages that bring nothing new) keeps the
    stored point, so the next sync asks again from there."""
    since = _timestamp(facts.pull_cursor())
    agent = xapi.agent(learner_id, home_page)
    added, through = 0, ""
    resource = api.statements()
    for found in resource.query(agent, since, page):
        through = through or found.consistent_through  # the first page's: the query's own
        added += facts.merge_pulled(_valid(found.statements), since)  # same point till the end
    facts.merge_pulled([], _next_since(through) if resource.complete else since)
    return added


def _valid(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = []
    for statement in statements:
        problem = xapi.problem_with(statement)
        if problem:
            log.warning("pulled statement %.80r left out: %s", statement.get("id"), problem)
        else:
            kept.append(statement)
    return kept


def _timestamp(cursor: str) -> str:
    """The stored point as an ISO 8601 time; anything else (a cursor of an earlier
    release) means from the start, which only fetches again what is known."""
    try:
        datetime.fromisoformat(cursor)
    except ValueError:
        return ""
    return cursor


def _next_since(through: str) -> str:
    try:
        complete = _utc(through)
    except ValueError:
        return ""  # the store did not say how complete it is: everything, next time
    return (complete - OVERLAP).isoformat(timespec="milliseconds")


def _utc(text: str) -> datetime:
    """An xAPI timestamp as an aware UTC time (a naive one is taken as UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
