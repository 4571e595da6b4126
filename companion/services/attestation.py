"""The training-time attestation: time studied and chapters completed, per course and per
week, for a job seeker to hand to their employment counsellor.

Made offline from the facts on this computer, which include what other devices synced.
Time studied is active time (see study_clock); each session counts once however many
devices know it. A chapter counts in the week it was first completed.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import NamedTuple

from companion import formatting
from companion.i18n import _
from companion.services.progress import Fact


class WeekRow(NamedTuple):
    monday: date
    seconds: float
    chapters: int


class CourseReport(NamedTuple):
    course: str  # the course's activity id
    title: str
    weeks: tuple[WeekRow, ...]
    site: str = ""  # the training centre's site it was studied on ("": the platform)

    @property
    def seconds(self) -> float:
        return sum(week.seconds for week in self.weeks)

    @property
    def chapters(self) -> int:
        return sum(week.chapters for week in self.weeks)


class Report(NamedTuple):
    learner: str
    made_on: date
    courses: tuple[CourseReport, ...]

    @property
    def seconds(self) -> float:
        return sum(course.seconds for course in self.courses)


def build(
    facts: Iterable[Fact], learner: str, made_on: date, sites: Mapping[str, str] | None = None
) -> Report:
    """``sites``: each site account's address and name, to say where a course was studied."""
    seconds: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    chapters: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    titles: dict[str, str] = {}
    first_completion: dict[tuple[str, str], date] = {}
    for fact in facts:
        when = _local_day(fact.timestamp)
        if fact.course is None or when is None:
            continue  # a course's own completion, or a statement without a usable date
        if fact.course_name:
            titles[fact.course] = fact.course_name
        monday = when - timedelta(days=when.weekday())
        if fact.verb == "experienced" and fact.seconds:
            seconds[fact.course][monday] += fact.seconds
        elif fact.verb == "completed":
            key = (fact.course, fact.object_id)
            first_completion[key] = min(monday, first_completion.get(key, monday))
    for (course, _chapter), monday in first_completion.items():
        chapters[course][monday] += 1
    courses = []
    for course in sorted(set(seconds) | set(chapters), key=lambda c: titles.get(c, c)):
        weeks = sorted(set(seconds[course]) | set(chapters[course]))
        rows = tuple(WeekRow(w, seconds[course][w], chapters[course][w]) for w in weeks)
        site = next((n for a, n in (sites or {}).items() if course.startswith(a + "/")), "")
        courses.append(CourseReport(course, titles.get(course, _short(course)), rows, site))
    return Report(learner, made_on, tuple(courses))


def _local_day(timestamp: str) -> date | None:
    try:
        return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone().date()
    except ValueError:
        return None


def _short(activity: str) -> str:
    return activity.rstrip("/").rsplit("/", 1)[-1]


def hours(seconds: float) -> str:
    """Study time as a counsellor reads it: '2 h 05', '45 min'."""
    return formatting.duration(round(seconds / 60))


def to_html(report: Report) -> str:
    """The attestation as a self-contained HTML page (rendered to PDF by the UI)."""
    e = html.escape
    title, learner, made_on = _("Training-time attestation"), _("Learner:"), _("Made on:")
    total_label, week_label = _("Total time studied:"), _("Week")
    time_label, chapters_label, total = _("Time studied"), _("Chapters completed"), _("Total")
    parts = [
        "<html><body style='font-family: sans-serif; font-size: 10pt;'>",
        f"<h1 style='color:#1f5f8b'>{e(title)}</h1>",
        f"<p><b>{e(learner)}</b> {e(report.learner)}<br>",
        f"<b>{e(made_on)}</b> {e(formatting.day(report.made_on))}<br>",
        f"<b>{e(total_label)}</b> {e(hours(report.seconds))}</p>",
    ]
    if not report.courses:
        nothing = _("No study time recorded yet.")
        parts.append(f"<p>{e(nothing)}</p>")
    for course in report.courses:
        parts.append(f"<h2>{e(course.title)}</h2>")
        if course.site:
            studied_on = _("Studied on: {site}").format(site=course.site)
            parts.append(f"<p>{e(studied_on)}</p>")
        parts.append(
            "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
            f"<tr><th align='left'>{e(week_label)}</th><th align='right'>{e(time_label)}"
            f"</th><th align='right'>{e(chapters_label)}</th></tr>"
        )
        for week in course.weeks:
            span = _("{monday} to {sunday}").format(
                monday=formatting.day(week.monday),
                sunday=formatting.day(week.monday + timedelta(days=6)),
            )
            parts.append(
                f"<tr><td>{e(span)}</td><td align='right'>{e(hours(week.seconds))}</td>"
                f"<td align='right'>{week.chapters}</td></tr>"
            )
        parts.append(
            f"<tr><td><b>{e(total)}</b></td><td align='right'><b>{e(hours(course.seconds))}"
            f"</b></td><td align='right'><b>{course.chapters}</b></td></tr></table>"
        )
    note = _(
        "Time studied is active study time recorded by Companion on the learner's devices; "
        "a pause of more than five minutes is not counted. Certificates, signed by the "
        "platform, can be checked separately."
    )
    parts.append(f"<p style='color:#555; font-size: 8pt;'>{e(note)}</p></body></html>")
    return "".join(parts)
