"""The command line's headless commands: each opens what it needs, prints for people (or
JSON), and returns the process's exit code. Imported only when a command is run, so
the window's start-up does not pay for them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from companion import formatting
from companion.app.context import AppContext
from companion.i18n import _
from companion.services.doctor import diagnose_profile
from companion.services.prefetch import PrefetchService
from companion.services.support_bundle import default_folder, write_bundle
from companion.settings import DECLARED, PLATFORM_API_URL
from companion.store.assets import AssetStore
from companion.sync_status import Phase

# Which commands may run beside a window open on the same profile (store/instance.py): the
# GUI and `sync` hold the profile (a sync pushes and acknowledges the outbox, moves the pull
# cursor and rotates the refresh token: two at once would undo each other); `sync --status`
# only reads, `settings` reads no profile data, and `catalog` writes nothing but the saved
# catalogue, replaced atomically; those three run read-only, so support staff can use them
# while the learner's window is open.


def print_catalog(profile: str, create_profile: bool) -> int:
    context = AppContext.create(profile, read_only=True, create_profile=create_profile)
    try:
        result = context.catalog.refresh()
        for course in result.courses:
            print(f"{course.id:28} {course.title}  ({course.duration_minutes} min)")
        if result.problem is not None:
            print(f"(saved copy: {result.problem.message})", file=sys.stderr)
    finally:
        context.close()
    return 0


def print_settings() -> int:
    context = AppContext.create(read_only=True)
    for setting in DECLARED:
        value, source = context.settings.value_and_source(setting.key)
        where = _("managed by policy") if context.settings.is_locked(setting.key) else source.value
        print(f"{setting.key} = {value!r}  [{where}]  {setting.env_var}")
        print(f"    {_(setting.doc)}")
    return 0


def sync(profile: str, status_only: bool, create_profile: bool) -> int:
    """For learners and support staff: what waits to be sent, and why it does not go."""
    context = AppContext.create(profile, read_only=status_only, create_profile=create_profile)
    try:
        _print_who_and_where(context)
        progress = context.progress()
        code = 0
        if not status_only:
            status = context.sync_once()
            if status.phase is Phase.SIGNED_OUT:
                print(_("Not signed in: progress stays on this computer until you sign in."))
                code = 1
            elif status.phase is not Phase.IDLE:
                print(_("Sync failed: {m}").format(m=status.message), file=sys.stderr)
                if status.reference:
                    print(_("Reference: {reference}").format(reference=status.reference))
                code = 1
        print(_("Actions waiting to be sent: {n}").format(n=progress.pending_count()))
        last = progress.last_sync()
        when = formatting.moment_at(last) if last else "—"
        print(_("Last sync: {when}").format(when=when))
        for statement_id, reason in progress.set_aside_statements():
            print(
                _("Refused by the platform: {id} ({reason})").format(id=statement_id, reason=reason)
            )
        return code
    finally:
        context.close()


def _print_who_and_where(context: AppContext) -> None:
    """Which platform, and whose progress: what support staff ask first."""
    configured = context.settings.value(PLATFORM_API_URL).strip()
    print(_("Platform: {url}").format(url=configured or _("the built-in demo platform")))
    account = context.account.saved_account()
    if account is not None:
        print(_("Signed in: {name} (account {id})").format(name=account.name, id=account.id))
        return
    owner = context.owner()
    if owner is not None:
        print(_("Nobody is signed in; progress is kept for {name}.").format(name=owner.name))
    else:
        print(_("Nobody is signed in; progress waits for the first learner to sign in."))


def prefetch(course_ids: list[str], everything: bool) -> int:
    """Machine-wide and headless (a systemd timer at night): a line per course, progress
    every few seconds, exit code 1 with the reason when any course is not ready."""
    # Read-only for the profile: prefetch writes only the shared cache, runs beside the
    # window, and must never start a kiosk's session clean-up.
    context = AppContext.create(read_only=True)
    # the policy's machine-wide folder (its permissions are the administrator's)
    assets = AssetStore(context.shared_assets_dir, shared=context.assets_shared)
    try:
        service = PrefetchService(context.connection, context.settings, assets)
        report = service.run(service.catalogue_ids() if everything else course_ids)
        error = report.error()
        if error is not None:
            raise error
        return 0
    finally:
        assets.db.close()
        context.close()


def doctor(profile: str, as_json: bool) -> int:
    """Works where the app cannot start (read-only folder, full disk, broken policy)."""
    report = diagnose_profile(profile).report
    sys.stdout.write(report.to_json() + "\n" if as_json else report.to_text())
    return 0 if report.healthy else 1


def support_bundle(profile: str, output: str | None) -> int:
    diagnosis = diagnose_profile(profile)
    bundle = write_bundle(diagnosis, Path(output) if output else default_folder())
    print(_("Support bundle written: {path}").format(path=bundle.path))
    print(_("Support code to give support staff: {code}").format(code=bundle.code))
    return 0


def run(command: str, args: argparse.Namespace) -> int:
    """Run one headless command; 2 for a command this module does not know."""
    if command == "catalog":
        return print_catalog(args.profile, args.create_profile)
    if command == "settings":
        return print_settings()
    if command == "sync":
        return sync(args.profile, args.status, args.create_profile)
    if command == "prefetch":
        return prefetch(args.course_ids, args.all)
    if command == "doctor":
        return doctor(args.profile, args.json)
    if command == "support-bundle":
        return support_bundle(args.profile, args.output)
    return 2
