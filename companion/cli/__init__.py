"""One entry point: the GUI by default, sub-commands for headless work."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from companion import __version__
from companion.child_env import restore_user_environment
from companion.errors import UserFacingError
from companion.platform import URL_SCHEME

# What ``build_parser().parse_args([])`` gives (a test holds them equal).
USUAL_START = {"self_test": False, "profile": "default", "create_profile": False, "command": None}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="companion", description="Companion learning app.")
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation is complete (modules, resources, translations, "
        "database, demo platform over HTTP, a window offscreen and on this desktop) and exit: "
        "0 when all pass",
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
    from companion.cli import sites  # only when the parser is built: not at a menu start

    sites.add_arguments(commands)
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
    if arguments and arguments[0].startswith(f"{URL_SCHEME}:"):  # the system, with an answer
        from companion.cli import handoff

        return handoff.run(arguments[0])
    if arguments == ["--self-test-display"]:  # the self-test's child: a window on this desktop
        from companion.ui.self_test import show_on_this_desktop

        return show_on_this_desktop()
    if not arguments:
        # Started from a menu, the usual way: the window with the default profile, without
        # building the parser first (12 ms of help formatters, before the first paint).
        args = argparse.Namespace(**USUAL_START)
        parser = None
    else:
        parser = build_parser()
        args = parser.parse_args(arguments)
    if args.self_test:
        from companion.cli import self_test

        return self_test.self_test()
    command = args.command or "gui"
    if command != "gui":
        gc.enable()
        restore_user_environment()  # a browser it opens gets the learner's, not the bundle's
    if command == "prefetch" and bool(args.course_ids) == args.all and parser is not None:
        parser.error("prefetch: give course ids, or --all for the whole catalogue")
    try:
        if command == "gui":
            from companion.ui.app import run

            return run(args.profile, create_profile=args.create_profile)
        if command == "sandbox":
            from companion.cli import sandbox

            return sandbox.run(args)
        if command in ("accounts", "library", "download"):
            from companion.cli import sites

            return sites.run(command, args)
        from companion.cli import commands  # a command's modules: not for the window's start

        return commands.run(command, args)
    except UserFacingError as error:
        return _report(error)
    except OSError as error:  # a folder it may not write, a full disk: no traceback for that
        from companion.files import problem_from_os_error

        problem = problem_from_os_error(error)
        if problem is None:
            raise
        return _report(problem)


def _report(error: UserFacingError) -> int:
    print(f"companion: {error.message}", file=sys.stderr)
    if error.hint:
        print(f"  {error.hint}", file=sys.stderr)
    return 1
