"""Checks that need no network: this computer, settings and policy, folders, disk, data files.

Everything here only reads, and opens SQLite files read-only, so it runs beside an open
window and on a data folder that cannot be written (which is what it must diagnose).
"""

from __future__ import annotations

import errno
import os
import platform
import shutil
import sqlite3
import sys
from contextlib import closing, suppress
from pathlib import Path

from companion import __version__, formatting
from companion.i18n import _
from companion.services.doctor.inputs import DoctorInputs, progress_files
from companion.services.doctor.report import Report, Section, Severity
from companion.settings import STORAGE_BUDGET_MB
from companion.store import schema

LOW_DISK_BYTES = 200_000_000  # below this, downloads will soon stop
FULL_DISK_BYTES = 20_000_000  # below this, even saving progress may fail
_PROBE_BYTES = 4096


def check_computer(report: Report, inputs: DoctorInputs) -> None:
    qt = inputs.qt_version or _package_version("PySide6-Essentials", "PySide6")
    report.add(
        "computer.versions",
        Section.COMPUTER,
        Severity.INFO,
        _("Companion {version} on {os}; Python {python}; Qt {qt}").format(
            version=__version__, os=platform.platform(), python=platform.python_version(), qt=qt
        ),
        version=__version__,
        os=platform.platform(),
        python=sys.version.split()[0],
        qt=qt,
        profile=inputs.profile,
        data_dir=str(inputs.paths.data_dir),
        kiosk=inputs.settings.kiosk,
    )


def check_profile(report: Report, inputs: DoctorInputs) -> None:
    if not inputs.profile_dir.is_dir():
        report.add(
            "computer.profile",
            Section.COMPUTER,
            Severity.INFO,
            _("The profile “{name}” has not been used on this computer yet.").format(
                name=inputs.profile
            ),
            profile=inputs.profile,
        )


def _package_version(*names: str) -> str:
    """The Qt binding's version without importing Qt (the CLI never loads it)."""
    from importlib import metadata

    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "?"


def check_settings(report: Report, inputs: DoctorInputs) -> None:
    settings = inputs.settings
    for problem in settings.problems:
        report.add(
            "settings.file",
            Section.SETTINGS,
            Severity.WARNING,
            _("Part of the settings file is ignored: {problem}").format(problem=problem),
            _("Correct the line named, or delete {path} to go back to the defaults.").format(
                path=settings.user_file
            ),
        )
    managed = settings.managed
    if managed:
        listed = ", ".join(f"{key} = {value!r}" for key, value in sorted(managed.items()))
        report.add(
            "settings.policy",
            Section.SETTINGS,
            Severity.INFO,
            _("Machine policy in force ({path}): {settings}").format(
                path=settings.policy_file, settings=listed
            ),
            policy_file=str(settings.policy_file),
            managed={key: value for key, value in managed.items()},
        )
    else:
        report.add(
            "settings.policy",
            Section.SETTINGS,
            Severity.INFO,
            _("No machine policy: this is a personal computer."),
            policy_file=str(settings.policy_file),
        )


def check_folders(report: Report, inputs: DoctorInputs) -> None:
    """Each folder Companion writes to: can it be written, and is there room?"""
    paths = inputs.paths
    folders = {
        "data": inputs.profile_dir if inputs.profile_dir.is_dir() else paths.data_dir,
        "settings": paths.config_dir,
        "cache": inputs.shared_assets_dir,
        "logs": paths.log_dir,
    }
    for name, folder in folders.items():
        _check_writable(report, name, folder)
    _check_free_space(report, paths.data_dir)


def _check_writable(report: Report, name: str, folder: Path) -> None:
    existing = _nearest_existing(folder)
    problem = _write_probe(existing)
    if problem is None:
        return
    if problem.errno in (errno.ENOSPC, errno.EDQUOT):
        report.add(
            f"folder.{name}",
            Section.STORAGE,
            Severity.PROBLEM,
            _("The disk holding {folder} is full: nothing more can be saved there.").format(
                folder=existing
            ),
            _(
                "Free some space (empty the bin, remove downloads you no longer need from "
                "Storage), then start Companion again. Your progress already saved is safe."
            ),
            folder=str(existing),
            error=problem.strerror,
        )
        return
    report.add(
        f"folder.{name}",
        Section.STORAGE,
        Severity.PROBLEM,
        _("Companion cannot write in {folder} ({reason}).").format(
            folder=existing, reason=_permission_reason(problem)
        ),
        _(
            "This is a permission problem, not damage: nothing has been lost. Give your "
            "user account write access to this folder (or ask the computer's administrator)."
        ),
        folder=str(existing),
        error=problem.strerror,
    )


def _permission_reason(error: OSError) -> str:
    if error.errno == errno.EROFS:
        return _("the disk is read-only")
    return _("permission denied")


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def _write_probe(folder: Path) -> OSError | None:
    """Write a few real bytes and sync them: creating an empty file can still succeed on
    a full disk, writing and syncing cannot."""
    probe = folder / f".companion-doctor-{os.getpid()}"
    try:
        with open(probe, "wb") as out:
            out.write(b"\0" * _PROBE_BYTES)
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        return error
    finally:
        with suppress(OSError):
            probe.unlink()
    return None


def _check_free_space(report: Report, folder: Path) -> None:
    try:
        usage = shutil.disk_usage(_nearest_existing(folder))
    except OSError:
        return
    free = usage.free
    facts = {"free_bytes": free, "total_bytes": usage.total}
    if free < FULL_DISK_BYTES:
        report.add(
            "disk.free",
            Section.STORAGE,
            Severity.PROBLEM,
            _("The disk is full: {free} free.").format(free=formatting.size(free)),
            _(
                "Free some space (empty the bin, remove courses you have finished from "
                "Storage). Until then downloads stop and new progress may not be saved."
            ),
            **facts,
        )
    elif free < LOW_DISK_BYTES:
        report.add(
            "disk.free",
            Section.STORAGE,
            Severity.WARNING,
            _("The disk is almost full: {free} free.").format(free=formatting.size(free)),
            _("Free some space soon, or lower the storage budget in Storage."),
            **facts,
        )
    else:
        report.add(
            "disk.free",
            Section.STORAGE,
            Severity.OK,
            _("{free} free on the disk.").format(free=formatting.size(free)),
            **facts,
        )


def check_storage_budget(report: Report, inputs: DoctorInputs) -> None:
    budget = inputs.settings.value(STORAGE_BUDGET_MB) * 1_000_000
    database = inputs.shared_assets_dir / "assets.db"
    used = 0
    if database.exists():
        try:
            with closing(open_read_only(database)) as connection:
                row = connection.execute("SELECT COALESCE(SUM(size), 0) FROM assets").fetchone()
            used = int(row[0])
        except sqlite3.Error:
            return  # the database check says what is wrong with it
    severity = Severity.WARNING if used > budget else Severity.OK
    report.add(
        "storage.budget",
        Section.STORAGE,
        severity,
        _("Course files use {used} of a {budget} budget.").format(
            used=formatting.size(used), budget=formatting.size(budget)
        ),
        _("Older courses will be removed to make room; pin the ones to keep.")
        if severity is Severity.WARNING
        else "",
        used_bytes=used,
        budget_bytes=budget,
    )


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open without writing anything, even the WAL index: ``immutable`` when the folder
    cannot be written (the state a read-only data folder leaves the file in)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=2.0)
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
        return connection
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True, timeout=2.0)


EXPECTED_VERSIONS = {
    "library.db": len(schema.LIBRARY),
    "progress.db": len(schema.PROGRESS),
    "assets.db": len(schema.ASSETS),
}


def database_files(inputs: DoctorInputs) -> list[tuple[str, Path]]:
    found = [
        ("library.db", inputs.profile_dir / "library.db"),
        ("assets.db", inputs.shared_assets_dir / "assets.db"),
        *progress_files(inputs),
    ]
    return [(label, path) for label, path in found if path.exists()]


def check_databases(report: Report, inputs: DoctorInputs) -> dict[str, dict[str, object]]:
    """Integrity and schema version of each data file; returns row counts for the bundle."""
    summary: dict[str, dict[str, object]] = {}
    for label, path in database_files(inputs):
        try:
            facts = inspect_database(path)
        except sqlite3.Error as error:
            _report_unreadable(report, label, path, error)
            continue
        summary[label] = facts
        if facts["integrity"] != "ok":
            report.add(
                f"database.{label}",
                Section.STORAGE,
                Severity.PROBLEM,
                _("The data file {name} is damaged ({detail}).").format(
                    name=label, detail=facts["integrity"]
                ),
                _(
                    "Do not delete it. Send a support bundle: course files can be fetched "
                    "again, and support staff will tell you what to do with progress."
                ),
                **facts,
            )
        else:
            report.add(
                f"database.{label}",
                Section.STORAGE,
                Severity.OK,
                _("{name}: intact (version {version}).").format(
                    name=label, version=facts["version"]
                ),
                **facts,
            )
    return summary


def _report_unreadable(report: Report, label: str, path: Path, error: sqlite3.Error) -> None:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        summary = _("The data file {name} is damaged ({detail}).")
        hint = _(
            "Do not delete it. Send a support bundle: course files can be fetched again, "
            "and support staff will tell you what to do with progress."
        )
    elif not os.access(path, os.R_OK):
        summary = _("The data file {name} cannot be read (permission denied: {detail}).")
        hint = _(
            "This is a permission problem, not damage: give your user account read and write "
            "access to the file (or ask the computer's administrator)."
        )
    else:
        summary = _("The data file {name} cannot be opened ({detail}).")
        hint = _("Close other Companion windows and try again; if it persists, send a bundle.")
    report.add(
        f"database.{label}",
        Section.STORAGE,
        Severity.PROBLEM,
        summary.format(name=label, detail=error),
        hint,
        path=str(path),
    )


def inspect_database(path: Path) -> dict[str, object]:
    with closing(open_read_only(path)) as connection:
        integrity = str(connection.execute("PRAGMA quick_check").fetchone()[0])
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        tables = _tables(connection)
        counts = {
            # names from sqlite_master of our own files, quoted: not user input
            table: int(connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608
            for table in tables
        }
    return {
        "integrity": integrity,
        "version": version,
        "expected_version": EXPECTED_VERSIONS.get(path.name),
        "rows": counts,
    }


def _tables(connection: sqlite3.Connection) -> list[str]:
    """Tables worth counting: not SQLite's own, nor the full-text index's shadow tables."""
    rows = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in rows if "VIRTUAL TABLE" in (sql or "").upper()]
    return sorted(name for name, _sql in rows if not any(name.startswith(v + "_") for v in virtual))
