"""xAPI statements for the learner's actions (xAPI 1.0.3).

Statements are made when the action happens, with a client-made UUID (resending is
harmless: the learning record store keeps each id once), and stored without an actor: the
actor is the learner signed in when the statement is sent, so progress made before signing
in (or on a kiosk between two learners' sessions) is never attributed to the wrong person.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

ADL = "http://adlnet.gov/expapi/verbs/"
VERB_DISPLAY = {
    "experienced": "a étudié",
    "completed": "a terminé",
    "passed": "a réussi",
    "failed": "a échoué",
}
ACTIVITY_TYPES = {
    "chapter": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "course": "http://adlnet.gov/expapi/activities/course",
}


def statement(
    verb: str,
    activity: str,
    kind: str,
    name: str,
    *,
    course_activity: str = "",
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
        made["context"] = {
            "contextActivities": {"parent": [{"objectType": "Activity", "id": course_activity}]}
        }
    return made


def with_actor(made: dict[str, Any], learner_id: str, home_page: str) -> dict[str, Any]:
    return {
        **made,
        "actor": {"objectType": "Agent", "account": {"homePage": home_page, "name": learner_id}},
    }


def quiz_result(score: float, passed: bool) -> dict[str, Any]:
    return {
        "score": {"scaled": round(score, 4), "raw": round(score * 100, 2), "min": 0, "max": 100},
        "success": passed,
        "completion": True,
    }


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration, as xAPI wants it: PT1H2M3.5S."""
    hours, rest = divmod(max(0.0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT" + (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
    return text + f"{round(secs, 2):g}S"
