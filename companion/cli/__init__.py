"""One entry point: the GUI by default, sub-commands for headless work."""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from companion import __version__
from companion.errors import UserFacingError
from companion.settings import PLATFORM_API_URL

if TYPE_CHECKING:
    from companion.app.context import AppContext


# What ``build_parser().parse_args([])`` gives (a test holds them equal).
USUAL_START = {"self_test": False, "profile": "default", "create_profile": False, "command": None}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="companion", description="Companion learning app.")
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation is complete (modules, resources, translations, "
        "database, demo platform over HTTP, an offscreen window) and exit: 0 when all pass",
    )
    parser.add_argument("--profile", default="default", help="learner profile to open")
    parser.add_argument(
        "--create-profile",
        action="store_true",
        help="create the --profile if it does not exist (otherwise that is an error)",
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("gui", help="open the window (the default)")
    sandbox = commands.add_parser("sandbox", help="run the local reference platform")
    sandbox.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: loopback only)"
    )
    sandbox.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one")
    sandbox.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME[=VALUE]",
        help="inject a fault, e.g. latency=300, bandwidth=20000, "
        "drop-after=50000, status=503, retry-after=5, malformed-json, corrupt, "
        "first-byte-delay=2000, path=/v1/assets, times=3",
    )
    sandbox.add_argument(
        "--clock-offset",
        type=int,
        default=0,
        metavar="SECONDS",
        help="the platform's clock this far from the computer's (e.g. -7200: two hours "
        "behind), to see what a wrong clock does",
    )
    sandbox.add_argument(
        "--state-dir",
        metavar="FOLDER",
        help="keep learners, sign-ins, progress and certificates here between starts "
        "(the app's demo platform does)",
    )
    sandbox.add_argument(
        "--controlled",
        action="store_true",
        help="run for a parent process: print 'ready URL', obey 'offline'/'online' lines on "
        "standard input, stop when it closes",
    )
    commands.add_parser("catalog", help="print the course catalogue")
    commands.add_parser("settings", help="list every setting, its value and where it comes from")
    sync = commands.add_parser("sync", help="sync progress and certificates now, and report")
    sync.add_argument(
        "--status", action="store_true", help="only report what waits; do not connect"
    )
    doctor = commands.add_parser(
        "doctor",
        help="check this computer, the platform, the sign-in and the data; "
        "exit status 1 when a problem is found",
    )
    doctor.add_argument("--json", action="store_true", help="the report as JSON, for tools")
    bundle = commands.add_parser(
        "support-bundle",
        help="write a zip for support staff (report, logs, settings; secrets and personal "
        "data removed) and print its support code",
    )
    bundle.add_argument(
        "--output", metavar="FOLDER", help="where to write it (default: your Documents folder)"
    )
    prefetch = commands.add_parser(
        "prefetch",
        help="fill the shared course cache for every learner on this machine, with nobody "
        "signed in (training centres; see packaging/linux/companion-prefetch.timer)",
    )
    prefetch.add_argument("course_ids", nargs="*", metavar="COURSE", help="course ids")
    prefetch.add_argument(
        "--all", action="store_true", help="every course in the platform's catalogue"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up allocates much and frees almost nothing: the garbage collector's 50 passes
    # over it took 15-25 ms before the first paint (issue 14). The window turns it back on
    # once it has painted (ui.app.settle_heap); every other command now.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        # Started from a menu, the usual way: the window with the default profile, without
        # building the parser first (12 ms of help formatters, before the first paint).
        args = argparse.Namespace(**USUAL_START)
        parser = None
    else:
        parser = build_parser()
        args = parser.parse_args(arguments)
    if args.self_test:
        return _self_test()
    command = args.command or "gui"
    if command != "gui":
        gc.enable()
    if command == "prefetch" and bool(args.course_ids) == args.all and parser is not None:
        parser.error("prefetch: give course ids, or --all for the whole catalogue")
    try:
        if command == "gui":
            from companion.ui.app import run

            return run(args.profile, create_profile=args.create_profile)
        if command == "sandbox":
            if args.controlled:
                from companion.sandbox.controlled import run_controlled

                return run_controlled(args.host, args.port, args.state_dir)
            return _run_sandbox(args.host, args.port, args.fault, args.clock_offset)
        if command == "catalog":
            return _print_catalog(args.profile, args.create_profile)
        if command == "settings":
            return _print_settings()
        if command == "sync":
            return _sync(args.profile, args.status, args.create_profile)
        if command == "prefetch":
            return _prefetch(args.course_ids, args.all)
        if command == "doctor":
            return _doctor(args.profile, args.json)
        if command == "support-bundle":
            return _support_bundle(args.profile, args.output)
    except UserFacingError as error:
        return _report(error)
    except OSError as error:  # a folder it may not write, a full disk: no traceback for that
        from companion.files import problem_from_os_error

        problem = problem_from_os_error(error)
        if problem is None:
            raise
        return _report(problem)
    return 2


def _self_test() -> int:
    """For whoever builds or supports a bundle: one line per check, in a temporary folder."""
    import tempfile
    from pathlib import Path

    from companion.services.self_test import core_checks, run_checks

    from companion.ui.self_test import qt_checks

    checks = [*core_checks(), *qt_checks()]
    with tempfile.TemporaryDirectory(prefix="companion-self-test-") as folder:
        failed = 0
        for outcome in run_checks(checks, Path(folder)):
            print(outcome.line(), flush=True)
            failed += not outcome.passed
    verdict = f"{failed} of {len(checks)} checks failed" if failed else "all checks passed"
    print(f"self-test: {verdict}")
    return 1 if failed else 0


def _report(error: UserFacingError) -> int:
    print(f"companion: {error.message}", file=sys.stderr)
    if error.hint:
        print(f"  {error.hint}", file=sys.stderr)
    return 1


def _run_sandbox(host: str, port: int, fault_specs: list[str], clock_offset: int = 0) -> int:
    from companion import logs
    from companion.sandbox.faults import parse_cli
    from companion.sandbox.server import SandboxServer

    logs.setup(None, "INFO", console=True)
    try:
        plan = parse_cli(fault_specs)
    except ValueError as error:
        print(f"companion sandbox: {error}", file=sys.stderr)
        return 2
    server = SandboxServer(host=host, port=port)
    server.faults.set(plan)
    server.oidc.clock_offset_seconds = clock_offset
    print(f"Sandbox platform on {server.url}  (Ctrl+C to stop)", flush=True)
    if plan.is_active():
        print(f"Faults: {server.faults.as_dict()}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


# Which commands may run beside a window open on the same profile (store/instance.py): the
# GUI and `sync` hold the profile (a sync pushes and acknowledges the outbox, moves the pull
# cursor and rotates the refresh token: two at once would undo each other); `sync --status`
# only reads, `settings` reads no profile data, and `catalog` writes nothing but the saved
# catalogue, replaced atomically; those three run read-only, so support staff can use them
# while the learner's window is open.


def _print_catalog(profile: str, create_profile: bool) -> int:
    from companion.app.context import AppContext

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


def _print_settings() -> int:
    from companion.app.context import AppContext
    from companion.i18n import _
    from companion.settings import DECLARED

    context = AppContext.create(read_only=True)
    for setting in DECLARED:
        value, source = context.settings.value_and_source(setting.key)
        where = _("managed by policy") if context.settings.is_locked(setting.key) else source.value
        print(f"{setting.key} = {value!r}  [{where}]  {setting.env_var}")
        print(f"    {_(setting.doc)}")
    return 0


def _sync(profile: str, status_only: bool, create_profile: bool) -> int:
    """For learners and support staff: what waits to be sent, and why it does not go."""
    from companion import formatting
    from companion.app.context import AppContext
    from companion.i18n import _
    from companion.sync_status import Phase

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
    from companion.i18n import _

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


def _prefetch(course_ids: list[str], everything: bool) -> int:
    """Machine-wide and headless (a systemd timer at night): a line per course, progress
    every few seconds, exit code 1 with the reason when any course is not ready."""
    from companion.app.context import AppContext
    from companion.services.prefetch import PrefetchService
    from companion.store.assets import AssetStore

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


def _doctor(profile: str, as_json: bool) -> int:
    """Works where the app cannot start (read-only folder, full disk, broken policy)."""
    from companion.services.doctor import diagnose_profile

    report = diagnose_profile(profile).report
    sys.stdout.write(report.to_json() + "\n" if as_json else report.to_text())
    return 0 if report.healthy else 1


def _support_bundle(profile: str, output: str | None) -> int:
    from pathlib import Path

    from companion.i18n import _
    from companion.services.doctor import diagnose_profile
    from companion.services.support_bundle import default_folder, write_bundle

    diagnosis = diagnose_profile(profile)
    bundle = write_bundle(diagnosis, Path(output) if output else default_folder())
    print(_("Support bundle written: {path}").format(path=bundle.path))
    print(_("Support code to give support staff: {code}").format(code=bundle.code))
    return 0
