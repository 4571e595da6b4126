"""The doctor: one report that lets support staff see what is wrong, and the learner what
to do. Used by ``companion doctor``, the Diagnostic window and the support bundle.

It must work where the app cannot start (a read-only data folder, a full disk, a broken
policy file, a profile held by an open window), so it reads paths and settings directly
and opens nothing for writing; it never creates a profile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from companion.i18n import _
from companion.paths import Paths, check_profile_name
from companion.services.doctor.account import check_account
from companion.services.doctor.inputs import DoctorInputs
from companion.services.doctor.local import (
    check_computer,
    check_databases,
    check_folders,
    check_profile,
    check_settings,
    check_storage_budget,
)
from companion.services.doctor.platform import check_platform
from companion.services.doctor.report import Report, Section, Severity
from companion.services.doctor.sites import check_site_accounts
from companion.services.doctor.sync import check_last_errors, check_outbox, check_running_sync
from companion.settings import (
    PLATFORM_API_URL,
    STORAGE_SHARED_CACHE_DIR,
    UI_LANGUAGE,
    PolicyError,
    Settings,
)

__all__ = ["Diagnosis", "DoctorInputs", "Report", "Severity", "diagnose", "diagnose_profile"]


@dataclass
class Diagnosis:
    """The report, and what the support bundle adds to it (never the learner's content)."""

    report: Report
    inputs: DoctorInputs
    journal: list[dict[str, Any]] = field(default_factory=list)
    databases: dict[str, dict[str, object]] = field(default_factory=dict)


def diagnose(inputs: DoctorInputs, policy_error: PolicyError | None = None) -> Diagnosis:
    report = Report()
    check_computer(report, inputs)
    check_profile(report, inputs)
    if policy_error is not None:
        report.add(
            "settings.policy",
            Section.SETTINGS,
            Severity.PROBLEM,
            policy_error.message,
            policy_error.hint,
            policy_file=str(policy_error.path),
        )
    else:
        check_settings(report, inputs)
    check_platform(report, inputs)
    check_account(report, inputs)
    check_site_accounts(report, inputs)
    check_folders(report, inputs)
    check_storage_budget(report, inputs)
    databases = check_databases(report, inputs)
    check_running_sync(report, inputs)
    journal = check_outbox(report, inputs)
    check_last_errors(report, inputs)
    return Diagnosis(report, inputs, journal, databases)


def diagnose_profile(profile: str) -> Diagnosis:
    """For ``companion doctor`` and ``companion support-bundle``: a separate process."""
    paths = Paths.default()
    policy_error = None
    try:
        settings = Settings(paths.settings_file, paths.policy_file)
    except PolicyError as error:
        policy_error = error
        settings = Settings(paths.settings_file, None)
    from companion import i18n

    i18n.install(settings.value(UI_LANGUAGE))  # the report is for people to read
    with _live_session(paths, settings, check_profile_name(profile)) as inputs:
        return diagnose(inputs, policy_error)


@contextmanager
def _live_session(paths: Paths, settings: Settings, profile: str) -> Iterator[DoctorInputs]:
    """The profile's sign-in, checked with the platform when this process may: not while
    a window holds the profile (two refreshes at once would retire each other's token),
    not on a kiosk (the session lives in the window's memory only)."""
    from companion.paths import kiosk_session_root
    from companion.services.connection import DEMO_STATE_FOLDER, PlatformConnection

    profile_dir = paths.profile_dir(profile)
    account_dir = kiosk_session_root(paths) if settings.kiosk else profile_dir
    demo = not settings.value(PLATFORM_API_URL).strip()
    inputs = DoctorInputs(
        paths=paths,
        settings=settings,
        profile=profile,
        profile_dir=profile_dir,
        shared_assets_dir=paths.course_files_dir(settings.value(STORAGE_SHARED_CACHE_DIR)),
        account_dir=account_dir,
        base_url="" if demo else settings.value(PLATFORM_API_URL),
        demo=demo,
    )
    with ExitStack() as stack:
        inputs.session_not_checked = _why_not_checked(inputs, stack)
        if not inputs.session_not_checked:
            from companion.services.account import AccountService

            connection = PlatformConnection(settings, paths, profile_dir / DEMO_STATE_FOLDER)
            stack.callback(connection.close)
            inputs.account = AccountService(connection, settings, profile, account_dir)
        yield inputs


def _why_not_checked(inputs: DoctorInputs, stack: ExitStack) -> str:
    if inputs.demo:
        return _("the demo platform runs only inside the Companion window.")
    if inputs.settings.kiosk:
        return _("on a kiosk the sign-in lives in the window only; use Help › Diagnostic there.")
    if not inputs.profile_dir.is_dir():
        return _("the profile “{name}” does not exist on this computer.").format(
            name=inputs.profile
        )
    from companion.store import instance

    try:
        claim = instance.claim(inputs.profile_dir, inputs.profile)
    except instance.ProfileInUse:
        return _("the Companion window is open on this profile; use Help › Diagnostic there.")
    except OSError as error:
        return _("the profile folder cannot be written ({error}).").format(error=error.strerror)
    stack.callback(claim.release)
    return ""
