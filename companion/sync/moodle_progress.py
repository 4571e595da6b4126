"""Progress to and from a Moodle site, in the outbox's own terms (xAPI statements).

Moodle is no learning record store (its ``core_xapi_statement_post`` takes H5P only), so
each statement the outbox sends becomes the site's own calls, as the Moodle App makes them:

- a chapter opened or studied: the activity's ``mod_<name>_view_<name>`` (a page, a file,
  a link...), which completes an activity whose rule is "view it"; harmless to repeat;
- a chapter completed: that view, and where the activity's completion is manual,
  ``core_completion_update_activity_completion_status_manually`` set to done (a state,
  never a toggle: sent twice, it stays done);
- anything else (time studied, quiz answers of the platform's kind) has no Moodle
  counterpart: it stays in this computer's facts (the attestation counts it) and is
  acknowledged.

Back from the site: each activity's completion state
(``core_completion_get_activities_completion_status``) becomes a "completed" statement
with an id made from the site, the learner and the activity, so pulling it again is a
known fact, and "completed on any device stays completed" merges it as any other.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from companion import xapi
from companion.sync.client import PlatformError
from companion.sync.moodle_ws import MoodleClient, MoodleError

log = logging.getLogger("companion.sync")

# The view call of each kind of activity Companion shows, and its instance parameter.
VIEW_CALLS = {
    "page": ("mod_page_view_page", "pageid"),
    "resource": ("mod_resource_view_resource", "resourceid"),
    "url": ("mod_url_view_url", "urlid"),
    "book": ("mod_book_view_book", "bookid"),
    "folder": ("mod_folder_view_folder", "folderid"),
    "quiz": ("mod_quiz_view_quiz", "quizid"),
}
VIEWING_VERBS = {xapi.ADL + verb for verb in ("launched", "experienced", "completed")}
COMPLETED = xapi.ADL + "completed"
MANUAL_COMPLETION = 1  # an activity's "completion" field: 0 none, 1 manual, 2 automatic
DONE_STATES = {1, 2}  # complete, complete and passed (3: complete but failed)
IDS = uuid.UUID("6f1f3f4e-8a55-4c7e-9a43-4d0d2f7b7a01")  # namespace of pulled statement ids


class Page(NamedTuple):
    statements: list[dict[str, Any]]
    consistent_through: str = ""


class MoodleStatements:
    """The outbox's statements resource, for one learner on one Moodle site."""

    def __init__(self, client: MoodleClient, address: str, courses: list[int]) -> None:
        self.client = client
        self.address = address
        self.courses = courses  # the learner's courses on the site, to read completion of
        self.complete = True
        self._modules: dict[int, dict[str, Any]] = {}

    # --- out -------------------------------------------------------------------------

    def post(self, statements: list[dict[str, Any]]) -> None:
        """Make each statement's calls, in order. One the site can never accept is
        refused with a 400 (the outbox then finds it and sets it aside), the others
        going through; a failure of the network or the session stops the batch."""
        refused = []
        for statement in statements:
            try:
                self._send(statement)
            except MoodleError as error:
                log.warning("statement %.40s refused: %s", statement.get("id"), error.code)
                refused.append(error.code)
        if refused:
            raise PlatformError(
                f"the site refused {len(refused)} action(s)",
                status=400,
                problem={"detail": ", ".join(sorted(set(refused)))},
            )

    def _send(self, statement: dict[str, Any]) -> None:
        verb = str((statement.get("verb") or {}).get("id", ""))
        if verb not in VIEWING_VERBS:
            return  # no Moodle counterpart: kept here only
        cmid = self.cmid_of(str((statement.get("object") or {}).get("id", "")))
        if cmid is None:
            raise MoodleError("not an activity of this site", "", "notthissite")
        module = self._module(cmid)
        view = VIEW_CALLS.get(str(module.get("modname")))
        if view is not None:
            function, parameter = view
            self.client.call(function, **{parameter: int(module["instance"])})
        if verb == COMPLETED and module.get("completion") == MANUAL_COMPLETION:
            self.client.call(
                "core_completion_update_activity_completion_status_manually",
                cmid=cmid,
                completed=True,
            )

    def cmid_of(self, activity: str) -> int | None:
        """The course module an activity IRI names (``…/mod/<name>/view.php?id=<cmid>``)."""
        parts = urlsplit(activity)
        on_this_site = activity.startswith(self.address + "/mod/")
        if not on_this_site or not parts.path.endswith("/view.php"):
            return None
        ids = parse_qs(parts.query).get("id", [])
        return int(ids[0]) if len(ids) == 1 and ids[0].isdigit() else None

    def _module(self, cmid: int) -> dict[str, Any]:
        if cmid not in self._modules:
            answer = self.client.call("core_course_get_course_module", cmid=cmid)
            module = answer.get("cm") if isinstance(answer, dict) else None
            if not isinstance(module, dict) or not isinstance(module.get("instance"), int):
                raise MoodleError("unreadable course module", "", "unreadable")
            self._modules[cmid] = module
        return self._modules[cmid]

    # --- in --------------------------------------------------------------------------

    def query(self, agent: dict[str, Any], since: str, limit: int) -> Iterator[Page]:
        """Every completed activity of the learner's courses, as statements (the site
        keeps no history to ask "since": the whole state, a few hundred bytes a course)."""
        user_id = str((agent.get("account") or {}).get("name", ""))
        found = []
        for course in self.courses:
            answer = self.client.call(
                "core_completion_get_activities_completion_status",
                courseid=course,
                userid=int(user_id),
            )
            statuses = answer.get("statuses") if isinstance(answer, dict) else None
            for status in statuses if isinstance(statuses, list) else []:
                made = self._completion(status, agent, course)
                if made is not None:
                    found.append(made)
        yield Page(found)

    def _completion(self, status: Any, agent: dict[str, Any], course: int) -> dict[str, Any] | None:
        if not isinstance(status, dict) or status.get("state") not in DONE_STATES:
            return None
        cmid, modname = status.get("cmid"), status.get("modname")
        if not isinstance(cmid, int) or not isinstance(modname, str):
            return None
        activity = f"{self.address}/mod/{modname}/view.php?id={cmid}"
        learner = str((agent.get("account") or {}).get("name", ""))
        when = status.get("timecompleted")
        moment = datetime.fromtimestamp(when if isinstance(when, int) and when > 0 else 0, UTC)
        made = xapi.statement(
            "completed",
            activity,
            "chapter",
            modname,
            course_activity=f"{self.address}/course/view.php?id={course}",
            when=moment,
        )
        made["id"] = str(uuid.uuid5(IDS, f"{self.address}|{learner}|{cmid}|completed"))
        return {**made, "actor": agent}
