"""What waits to be sent, what the platform refused, and the last errors in the log."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from companion import formatting
from companion.files import read_tail
from companion.i18n import _, ngettext
from companion.services.doctor.inputs import DoctorInputs, progress_files
from companion.services.doctor.local import open_read_only
from companion.services.doctor.report import Report, Section, Severity, iso_utc

STUCK_AFTER_SECONDS = 24 * 3600  # a day of waiting while the app was used is worth a look
LAST_ERRORS = 10
_LOG_TAIL_BYTES = 512 * 1024  # the end of each log file is enough, and reading stays bounded
_ERROR_LINE = re.compile(r"^(\S+ \S+) (WARNING|ERROR|CRITICAL)\s+(\S+): (.*)$")
_REFERENCE = re.compile(r"\[((?:CMP-[A-Z0-9]{6})|[0-9a-f]{32})\]")


def check_running_sync(report: Report, inputs: DoctorInputs) -> None:
    """What the window's sync is going through now: the learner's own words for it."""
    from companion.sync_status import Phase

    status = inputs.sync_status
    if status is None or status.phase not in (Phase.OFFLINE, Phase.FAILING):
        return
    report.add(
        "sync.last",
        Section.SYNC,
        Severity.PROBLEM,
        _("The last sync failed: {message}").format(message=status.message),
        status.hint,
        reference=status.reference,
        phase=str(status.phase),
    )


def check_outbox(report: Report, inputs: DoctorInputs) -> list[dict[str, Any]]:
    """Every learner file's queue on this profile; returns the sync journal for the bundle
    (ids, verbs, times, attempts and reasons: never answers or content)."""
    journal: list[dict[str, Any]] = []
    for who, path in progress_files(inputs):
        try:
            with closing(open_read_only(path)) as connection:
                rows = _outbox_rows(connection)
        except sqlite3.Error:
            continue  # the database check reports it
        journal += [{"file": who, **row} for row in rows]
        _report_queue(report, who, [r for r in rows if not r["set_aside"]])
        for row in rows:
            if row["set_aside"]:
                _report_refused(report, who, row)
    if not journal:
        report.add("outbox.pending", Section.SYNC, Severity.OK, _("Nothing waits to be sent."))
    return journal


def _outbox_rows(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = connection.execute(
        "SELECT id, statement, created_at, attempts, last_error, set_aside FROM outbox"
        " ORDER BY created_at"
    ).fetchall()
    journal = []
    for statement_id, statement, created_at, attempts, last_error, set_aside in rows:
        journal.append(
            {
                "id": statement_id,
                "verb": _verb(statement),
                "created_at": iso_utc(float(created_at)),
                "created": float(created_at),
                "attempts": int(attempts),
                "last_error": last_error or "",
                "set_aside": bool(set_aside),
            }
        )
    return journal


def _verb(statement: str) -> str:
    try:
        verb = json.loads(statement)["verb"]["id"]
    except (ValueError, KeyError, TypeError):
        return "?"
    return str(verb).rsplit("/", 1)[-1]


def _report_queue(report: Report, who: str, waiting: list[dict[str, Any]]) -> None:
    if not waiting:
        return
    oldest = waiting[0]
    age = time.time() - oldest["created"]
    facts = {
        "file": who,
        "waiting": len(waiting),
        "oldest_at": oldest["created_at"],
        "oldest_verb": oldest["verb"],
        "last_error": oldest["last_error"],
    }
    summary = ngettext(
        "{n} action waits to be sent ({verb}) since {when}.",
        "{n} actions wait to be sent; the oldest ({verb}) since {when}.",
        len(waiting),
    ).format(n=len(waiting), verb=oldest["verb"], when=formatting.moment_at(oldest["created"]))
    if oldest["last_error"]:
        error = str(oldest["last_error"]).rstrip(". ")
        summary += " " + _("Last failure: {error}.").format(error=error)
    stuck = age > STUCK_AFTER_SECONDS
    report.add(
        "outbox.pending",
        Section.SYNC,
        Severity.PROBLEM if stuck else Severity.INFO,
        summary,
        _(
            "They are safe on this computer. They go at the next sync with a connection, "
            "while the learner who made them is signed in; the problems above say what "
            "stops them."
        )
        if stuck
        else "",
        **facts,
    )


def _report_refused(report: Report, who: str, row: dict[str, Any]) -> None:
    report.add(
        "outbox.set_aside",
        Section.SYNC,
        Severity.PROBLEM,
        _("The platform refused one action ({verb}, {when}): {reason}").format(
            verb=row["verb"], when=formatting.moment_at(row["created"]), reason=row["last_error"]
        ),
        _(
            "It is kept aside on this computer and never resent by itself. Send a support "
            "bundle: the platform team can tell from its id why it was refused."
        ),
        file=who,
        statement_id=row["id"],
        reason=row["last_error"],
    )


def check_last_errors(report: Report, inputs: DoctorInputs) -> list[str]:
    """The last warnings and errors of the log, with their references and request ids."""
    lines = recent_problems(inputs.paths.log_dir)
    if not lines:
        report.add("log.errors", Section.SYNC, Severity.OK, _("No recent error in the log."))
        return []
    for line in lines[-LAST_ERRORS:]:
        match = _ERROR_LINE.match(line)
        reference = _REFERENCE.search(line)
        report.add(
            "log.errors",
            Section.SYNC,
            Severity.INFO,
            _("Logged {when}: {message}").format(
                when=match.group(1) if match else "?", message=match.group(4) if match else line
            ),
            reference=reference.group(1) if reference else "",
        )
    return lines


def recent_problems(log_dir: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(log_dir.glob("companion.log*"), reverse=True):  # oldest first
        for line in _tail_lines(path):
            if _ERROR_LINE.match(line):
                found.append(line)
    return found


def _tail_lines(path: Path) -> list[str]:
    return (read_tail(path, _LOG_TAIL_BYTES) or "").splitlines()
