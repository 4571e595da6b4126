"""xAPI statements for the learner's actions (xAPI 1.0.3).

Statements are made when the action happens, with a client-made UUID (resending is
harmless: the learning record store keeps each id once), and stored without an actor. The
outbox remembers who was signed in when the action was made, and the actor is added at
sending time for that learner only; progress made while nobody was signed in is claimed by
the first learner who signs in on the profile. On a shared computer, progress never changes
hands.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime
from typing import Any

ADL = "http://adlnet.gov/expapi/verbs/"
VERB_DISPLAY = {
    "launched": "a ouvert",
    "answered": "a répondu à",
    "experienced": "a étudié",
    "completed": "a terminé",
    "passed": "a réussi",
    "failed": "a échoué",
}
ACTIVITY_TYPES = {
    "chapter": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "course": "http://adlnet.gov/expapi/activities/course",
}


def statement(
    verb: str,
    activity: str,
    kind: str,
    name: str,
    *,
    course_activity: str = "",
    course_name: str = "",
    result: dict[str, Any] | None = None,
    when: datetime | None = None,
) -> dict[str, Any]:
    """A statement without its actor (added when it is sent)."""
    made: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "verb": {"id": ADL + verb, "display": {"fr-FR": VERB_DISPLAY[verb]}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {"type": ACTIVITY_TYPES[kind], "name": {"fr-FR": name}},
        },
        "timestamp": (when or datetime.now(UTC)).isoformat(timespec="milliseconds"),
    }
    if result:
        made["result"] = result
    if course_activity:
        parent: dict[str, Any] = {"objectType": "Activity", "id": course_activity}
        if course_name:  # lets another device name the course in its attestation
            kind = ACTIVITY_TYPES["course"]
            parent["definition"] = {"type": kind, "name": {"fr-FR": course_name}}
        made["context"] = {"contextActivities": {"parent": [parent]}}
    return made


def course_of(made: dict[str, Any]) -> tuple[str | None, str | None]:
    """The course a statement belongs to (its parent activity) and the course's name."""
    parents = ((made.get("context") or {}).get("contextActivities") or {}).get("parent") or []
    if not parents or not isinstance(parents[0], dict):
        return None, None
    names = (parents[0].get("definition") or {}).get("name") or {}
    name = (names.get("fr-FR") or next(iter(names.values()), None)) if names else None
    return parents[0].get("id"), name


def problem_with(made: Any) -> str:
    """Why a statement (pulled from a store) cannot be merged as a fact; "" when it can.
    Checks what merging reads: the id, verb, object, result and course."""
    if not isinstance(made, dict):
        return "not an object"
    if not isinstance(made.get("id"), str) or not made["id"] or len(made["id"]) > 200:
        return "no valid id"
    verb, target = made.get("verb"), made.get("object")
    if not isinstance(verb, dict) or not isinstance(verb.get("id"), str):
        return "no valid verb"
    if not isinstance(target, dict) or not isinstance(target.get("id"), str):
        return "no valid object"
    if not isinstance(made.get("timestamp", ""), str):
        return "timestamp is not text"
    result = made.get("result") or {}
    if not isinstance(result, dict):
        return "result is not an object"
    score = result.get("score") or {}
    scaled = score.get("scaled") if isinstance(score, dict) else "?"
    if scaled is not None and (
        isinstance(scaled, bool) or not isinstance(scaled, int | float) or not -1 <= scaled <= 1
    ):
        return "score is not a number between -1 and 1"
    if "success" in result and not isinstance(result["success"], bool):
        return "success is not true or false"
    if "duration" in result and not isinstance(result["duration"], str):
        return "duration is not text"
    try:
        found: tuple[Any, Any] = course_of(made)  # typed for a valid statement only
    except (AttributeError, TypeError, StopIteration):
        return "context is malformed"
    if not all(isinstance(part, str | None) for part in found):
        return "course is malformed"
    return ""


def agent(learner_id: str, home_page: str) -> dict[str, Any]:
    """The learner as an xAPI agent: their platform account."""
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": learner_id}}


def with_actor(made: dict[str, Any], learner_id: str, home_page: str) -> dict[str, Any]:
    return {**made, "actor": agent(learner_id, home_page)}


def quiz_result(score: float, passed: bool) -> dict[str, Any]:
    return {
        "score": {"scaled": round(score, 4), "raw": round(score * 100, 2), "min": 0, "max": 100},
        "success": passed,
        "completion": True,
    }


_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def duration_seconds(value: object) -> float | None:
    """Seconds in an ISO 8601 duration as xAPI uses them (days, hours, minutes, seconds)."""
    match = _DURATION.match(value) if isinstance(value, str) and value != "P" else None
    if match is None or value == "PT":
        return None
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration, as xAPI wants it: PT1H2M3.5S, to the hundredth of a second.
    Rounded once, in whole hundredths, before it is split: rounding the seconds after the
    split wrote 119.999 s as PT1M60S (issue 24)."""
    hundredths = round(seconds * 100) if math.isfinite(seconds) and seconds > 0 else 0
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, fraction = divmod(rest, 100)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text + (f"{whole}.{fraction:02d}".rstrip("0") if fraction else str(whole)) + "S"
