"""The sandbox's learning record store: statements kept once per id, read back by cursor."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from typing import Any

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


class StatementStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, dict[str, Any]] = {}
        self._order: list[tuple[str, str]] = []  # (learner id, statement id), arrival order
        self._facts: dict[str, set[tuple[str, str]]] = {}  # learner: (verb, activity) pairs

    def clear(self) -> None:
        with self._lock:
            self._by_id.clear()
            self._order.clear()
            self._facts.clear()

    def save(self, learner_id: str, statements: list[dict[str, Any]]) -> list[str]:
        """Store a batch all or nothing; a resent statement is accepted and kept once."""
        with self._lock:
            fresh = []
            for statement in statements:
                kept = self._by_id.get(statement["id"])
                if kept is None:
                    fresh.append(statement)
                elif _canonical(kept["statement"]) != _canonical(statement):
                    raise Conflict(statement["id"])
            stored = datetime.now(UTC).isoformat(timespec="milliseconds")
            for statement in fresh:
                self._by_id[statement["id"]] = {
                    "statement": {**statement, "stored": stored},
                    "learner": learner_id,
                }
                self._order.append((learner_id, statement["id"]))
                verb = str(statement["verb"]["id"]).rsplit("/", 1)[-1]
                fact = (verb, str(statement["object"]["id"]))
                self._facts.setdefault(learner_id, set()).add(fact)
        return [s["id"] for s in statements]

    def since(self, learner_id: str, cursor: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """The learner's statements after ``cursor``; returns them and the next cursor."""
        with self._lock:
            found: list[dict[str, Any]] = []
            position = cursor
            while position < len(self._order) and len(found) < limit:
                owner, statement_id = self._order[position]
                position += 1
                if owner == learner_id:
                    found.append(self._by_id[statement_id]["statement"])
            return found, position

    def facts(self, learner_id: str) -> set[tuple[str, str]]:
        """(verb, activity) pairs the learner's statements establish, from every device."""
        with self._lock:
            return set(self._facts.get(learner_id, ()))

    def arrivals(self) -> int:
        """Where the next statement will be: the cursor that reads nothing new."""
        with self._lock:
            return len(self._order)

    def count(self) -> int:
        with self._lock:
            return len(self._by_id)


def _canonical(statement: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in statement.items() if k != "stored"}, sort_keys=True)
