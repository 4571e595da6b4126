"""What the doctor found: findings in plain words, each problem with what to do about it.

A finding has a stable ``id`` ("platform.dns", "clock", "outbox.set_aside") for tools and
tests, translated text for people, and ``facts`` (numbers, dates, names of files) for the
JSON report. Personal data never goes in a finding: the account is named by its platform
id, never by the learner's name or e-mail.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from companion.i18n import N_, _, ngettext


def iso_utc(timestamp: float) -> str:
    """A time.time() value as the JSON report and the bundle write it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


class Severity(StrEnum):
    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    PROBLEM = "problem"


# Text beside the colour, so the verdict reads in a terminal, a screen reader or on paper.
_LABELS = {
    Severity.OK: N_("OK"),
    Severity.INFO: N_("info"),
    Severity.WARNING: N_("check"),
    Severity.PROBLEM: N_("PROBLEM"),
}


class Section(StrEnum):
    COMPUTER = "computer"
    PLATFORM = "platform"
    ACCOUNT = "account"
    STORAGE = "storage"
    SYNC = "sync"
    SETTINGS = "settings"


_SECTION_TITLES = {
    Section.COMPUTER: N_("This computer"),
    Section.PLATFORM: N_("The platform"),
    Section.ACCOUNT: N_("Sign-in and access"),
    Section.STORAGE: N_("Storage and data files"),
    Section.SYNC: N_("Progress waiting to be sent"),
    Section.SETTINGS: N_("Settings and policy"),
}


@dataclass
class Finding:
    id: str
    section: Section
    severity: Severity
    summary: str  # one line, translated
    hint: str = ""  # what to do, translated; every problem has one
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    created_at: float = field(default_factory=time.time)
    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        id: str,
        section: Section,
        severity: Severity,
        summary: str,
        hint: str = "",
        /,
        **facts: Any,
    ) -> Finding:
        finding = Finding(id, section, severity, summary, hint, facts)
        self.findings.append(finding)
        return finding

    def find(self, id: str) -> Finding | None:
        return next((f for f in self.findings if f.id == id), None)

    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.PROBLEM]

    @property
    def healthy(self) -> bool:
        return not self.problems()

    def to_json(self) -> str:
        payload = {
            "created_at": iso_utc(self.created_at),
            "healthy": self.healthy,
            "findings": [asdict(f) for f in self.findings],
        }
        return _redacted(json.dumps(payload, ensure_ascii=False, indent=1, default=str))

    def to_text(self) -> str:
        from companion import formatting

        problems, warnings = len(self.problems()), self.count(Severity.WARNING)
        lines = [
            _("Companion diagnostic report ({when})").format(
                when=formatting.moment_at(self.created_at)
            ),
            verdict(problems, warnings),
        ]
        for section in Section:
            found = [f for f in self.findings if f.section is section]
            if not found:
                continue
            lines += ["", f"== {_(_SECTION_TITLES[section])}"]
            for finding in found:
                lines.append(f"[{label(finding.severity)}] {finding.summary}")
                if finding.hint:
                    lines.append(f"    → {finding.hint}")
        return _redacted("\n".join(lines) + "\n")

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


def _redacted(text: str) -> str:
    """Every form of the report (text, JSON, and so the support bundle's copies) goes
    through the log's redactor: ``companion doctor --json`` printed a proxy's password
    (issue 24) while the text report left it out."""
    from companion.logs import REDACTOR

    return REDACTOR.redact(text)


def label(severity: Severity) -> str:
    return _(_LABELS[severity])


def section_title(section: Section) -> str:
    return _(_SECTION_TITLES[section])


def verdict(problems: int, warnings: int) -> str:
    if problems:
        return ngettext(
            "{n} problem found; what to do is under it.",
            "{n} problems found; what to do is under each one.",
            problems,
        ).format(n=problems)
    if warnings:
        return ngettext(
            "No problem found; {n} point to check.",
            "No problem found; {n} points to check.",
            warnings,
        ).format(n=warnings)
    return _("No problem found.")
