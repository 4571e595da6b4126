"""The sandbox's learning record store: the xAPI 1.0.3 statements resource, kept as
strictly as real stores keep it (Ralph's answers are the model: only new ids in a 200, a
204 when every statement was known, a 409 for a known id with other content).

``stored`` times only ever grow, one millisecond at least between two statements, so a
query ``since`` a stored time never misses one stored in the same millisecond."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")


class Conflict(Exception):
    """An id already stored with other content (xAPI: 409)."""


def problem_with(statement: Any, learner_id: str) -> str:
    """Why a statement is refused, or "" when it is acceptable."""
    if not isinstance(statement, dict):
        return "a statement must be an object"
    if not isinstance(statement.get("id"), str) or not _UUID.match(statement["id"]):
        return "id must be a UUID"
    account = (statement.get("actor") or {}).get("account") or {}
    if account.get("name") != learner_id or not _IRI.match(str(account.get("homePage", ""))):
        return "actor must be the signed-in learner's account"
    if not _IRI.match(str((statement.get("verb") or {}).get("id", ""))):
        return "verb.id must be an IRI"
    if not _IRI.match(str((statement.get("object") or {}).get("id", ""))):
        return "object.id must be an IRI"
    try:
        datetime.fromisoformat(str(statement.get("timestamp", "")))
    except ValueError:
        return "timestamp must be ISO 8601"
    scaled = ((statement.get("result") or {}).get("score") or {}).get("scaled", 0)
    if not isinstance(scaled, int | float) or not -1 <= scaled <= 1:
        return "result.score.scaled must be between -1 and 1"
    return ""


class _Kept(NamedTuple):
    """A stored statement as four strings, not the tree of objects it parses to: the
    garbage collector walks every object kept, and 50,000 statements made each POST of a
    push slower than the one before (issue 28)."""

    learner: str
    stored: str  # UTC, milliseconds, one format: compares as text
    account: str  # the actor's account, as canonical JSON
    text: str  # the statement as stored, JSON


class StatementStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, _Kept] = {}
        self._order: list[tuple[str, str]] = []  # (learner id, statement id), arrival order
        self._facts: dict[str, set[tuple[str, str]]] = {}  # learner: (verb, activity) pairs
        self._last_stored: datetime | None = None

    def clear(self) -> None:
        with self._lock:
            self._by_id.clear()
            self._order.clear()
            self._facts.clear()

    def save(self, learner_id: str, statements: list[dict[str, Any]]) -> list[str]:
        """Store a batch all or nothing; a resent statement is accepted and kept once.
        Returns the ids stored now (those already kept are left out, as Ralph does)."""
        with self._lock:
            fresh = []
            for statement in statements:
                kept = self._by_id.get(statement["id"])
                if kept is None:
                    fresh.append(statement)
                elif _canonical(json.loads(kept.text)) != _canonical(statement):
                    raise Conflict(statement["id"])
            for statement in fresh:
                self._keep(learner_id, {**statement, "stored": self._next_stored()})
        return [s["id"] for s in fresh]

    def consistent_through(self) -> str:
        """Up to when an answer is complete: now, or the last stored time if later (a
        burst of statements is stamped a millisecond apart, ahead of the clock)."""
        with self._lock:
            now = datetime.now(UTC)
            if self._last_stored is not None and self._last_stored > now:
                now = self._last_stored
            return now.isoformat(timespec="milliseconds")

    def _next_stored(self) -> str:
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # what the string keeps
        if self._last_stored is not None and now <= self._last_stored:
            now = self._last_stored + timedelta(milliseconds=1)
        self._last_stored = now
        return now.isoformat(timespec="milliseconds")

    def query(
        self,
        learner_id: str,
        agent: dict[str, Any] | None,
        since: datetime | None,
        start: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """The learner's statements (matching ``agent``) stored after ``since``, oldest
        first, from arrival position ``start``; returns them and where the next page
        starts (None: no more)."""
        after = "" if since is None else _stored_text(since)
        account = None if agent is None else _account_key(agent)
        with self._lock:
            found: list[dict[str, Any]] = []
            for position in range(start, len(self._order)):
                owner, statement_id = self._order[position]
                kept = self._by_id[statement_id]
                if owner != learner_id or kept.stored <= after:
                    continue
                if account is not None and kept.account != account:
                    continue
                if len(found) == limit:
                    return found, position
                found.append(json.loads(kept.text))
            return found, None

    def since(self, learner_id: str, cursor: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """The learner's statements after ``cursor``; returns them and the next cursor."""
        with self._lock:
            found: list[dict[str, Any]] = []
            position = cursor
            while position < len(self._order) and len(found) < limit:
                owner, statement_id = self._order[position]
                position += 1
                if owner == learner_id:
                    found.append(json.loads(self._by_id[statement_id].text))
            return found, position

    def establish(self, learner_id: str, needed: set[tuple[str, str]]) -> bool:
        """Whether the learner's statements, from every device, establish every (verb,
        activity) pair of ``needed`` (asked after each POST: no copy of the learner's
        facts, which grow with the history)."""
        with self._lock:
            return needed <= self._facts.get(learner_id, set())

    def arrivals(self) -> int:
        """Where the next statement will be: the cursor that reads nothing new."""
        with self._lock:
            return len(self._order)

    def count(self) -> int:
        with self._lock:
            return len(self._by_id)

    def snapshot(self, start: int = 0) -> list[dict[str, Any]]:
        """Every statement with its owner, in arrival order, from arrival position
        ``start`` (what the demo platform keeps between starts: only what is new)."""
        with self._lock:
            return [
                {"learner": owner, "statement": json.loads(self._by_id[sid].text)}
                for owner, sid in self._order[start:]
            ]

    def saved_lines(self, start: int = 0) -> list[str]:
        """``snapshot`` as JSON lines, written as they are kept (nothing parsed again)."""
        with self._lock:
            return [
                f'{{"learner": {json.dumps(owner)}, "statement": {self._by_id[sid].text}}}\n'
                for owner, sid in self._order[start:]
            ]

    def restore(self, kept: list[dict[str, Any]]) -> None:
        """Put back what ``snapshot`` gave, stored times included."""
        with self._lock:
            for item in kept:
                owner, statement = str(item["learner"]), dict(item["statement"])
                if statement["id"] in self._by_id:
                    continue  # each id once, whatever was saved twice
                self._keep(owner, statement)
                stored = datetime.fromisoformat(statement["stored"])
                if self._last_stored is None or stored > self._last_stored:
                    self._last_stored = stored

    def _keep(self, learner_id: str, statement: dict[str, Any]) -> None:
        account = (statement.get("actor") or {}).get("account")
        self._by_id[statement["id"]] = _Kept(
            learner_id,
            _stored_text(datetime.fromisoformat(statement["stored"])),
            _account_key(account),
            json.dumps(statement, ensure_ascii=False),
        )
        self._order.append((learner_id, statement["id"]))
        verb = str(statement["verb"]["id"]).rsplit("/", 1)[-1]
        self._facts.setdefault(learner_id, set()).add((verb, str(statement["object"]["id"])))


def _stored_text(moment: datetime) -> str:
    """A time as stored times are kept: UTC, rounded down to the millisecond (a stored
    time is whole milliseconds, so ``stored <= since`` holds as text as it does as time)."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat(
        timespec="milliseconds"
    )


def _account_key(account: Any) -> str:
    return json.dumps(account, sort_keys=True, separators=(",", ":"))


def _canonical(statement: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in statement.items() if k != "stored"}, sort_keys=True)


MAX_LIMIT = 500


def xapi_query(
    args: Mapping[str, str],
) -> tuple[dict[str, Any] | None, datetime | None, int, int]:
    """(agent's account, since, start position, limit) from a GET's parameters."""
    agent = None
    if "agent" in args:
        try:
            parsed = json.loads(args["agent"])
        except ValueError:
            raise ValueError("agent must be a JSON agent object") from None
        account = parsed.get("account") if isinstance(parsed, dict) else None
        if not isinstance(account, dict) or set(account) != {"homePage", "name"}:
            raise ValueError("agent must identify an account (homePage and name)")
        agent = account
    since = None
    if args.get("since"):
        try:
            since = datetime.fromisoformat(args["since"].replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("since must be an ISO 8601 timestamp") from None
        if since.tzinfo is None:
            raise ValueError("since must carry a time zone")
    try:
        limit = int(args.get("limit", "0"))
        start = int(args.get("from", "0"))
    except ValueError:
        raise ValueError("limit must be an integer") from None
    if limit < 0 or start < 0:
        raise ValueError("limit must be positive")
    return agent, since, start, min(limit or MAX_LIMIT, MAX_LIMIT)
