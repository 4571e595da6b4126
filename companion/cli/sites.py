"""`companion accounts`, `companion library` and `companion download`: the learner's
accounts on every site, every course of every account, and a course brought offline.

Support staff and training centres script these; the window uses the same services.
The ``--json`` forms are stable (docs in the README, "Command line"): keys are only ever
added, never renamed or removed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import webbrowser
from typing import Any

from companion.app.context import AppContext
from companion.errors import UserFacingError
from companion.i18n import _, ngettext
from companion.jobs import Control
from companion.platform import SignInKind
from companion.services.library import OFFLINE
from companion.services.site_accounts import SiteAccount

from companion.ui.handoff import wait_for_answer

JSON_VERSION = 1  # the shape of every --json answer here
BROWSER_WAIT_SECONDS = 15 * 60


def run(command: str, args: argparse.Namespace) -> int:
    create = getattr(args, "create_profile", False)
    context = AppContext.create(args.profile, create_profile=create)
    try:
        if command == "accounts":
            return _accounts(context, args)
        if command == "library":
            return _library(context, args.json)
        return _download(context, args.course)
    finally:
        context.close()


def add_arguments(commands: Any) -> None:
    """The parser of each command here (``commands``: argparse's sub-parsers)."""
    accounts = commands.add_parser(
        "accounts", help="list the learner's accounts on every site; add or remove one"
    )
    accounts.add_argument("--json", action="store_true", help="the list as JSON, for tools")
    actions = accounts.add_subparsers(dest="action")
    add = actions.add_parser("add", help="add an account on a site (a training centre's Moodle)")
    add.add_argument("address", metavar="URL", help="the site's address, https://…")
    add.add_argument(
        "--username",
        help="sign in with this name; the password is read from standard input when it "
        "is not a terminal, else asked without echo",
    )
    remove = actions.add_parser("remove", help="sign out of an account and forget it")
    remove.add_argument("name", metavar="NAME", help="its key, address or site name")
    library = commands.add_parser(
        "library", help="every course of every account, each chapter's state here"
    )
    library.add_argument("--json", action="store_true", help="the library as JSON, for tools")
    download = commands.add_parser("download", help="bring a course onto this computer")
    download.add_argument(
        "course", metavar="COURSE", help="a course reference, as `library` prints it"
    )


# --- accounts ------------------------------------------------------------------------------


def _accounts(context: AppContext, args: argparse.Namespace) -> int:
    sites = context.site_accounts()
    if args.action == "add":
        account = _add(context, args)
        for course_id in account.courses:  # `library` then names them and their chapters
            context.library().update_manifest(course_id)
        n = len(account.courses)
        added = ngettext("Added: {account} ({n} course)", "Added: {account} ({n} courses)", n)
        print(added.format(account=account.describe(), n=n))
        return 0
    if args.action == "remove":
        account = sites.find(args.name)
        sites.remove(account)
        print(_("Removed: {account}").format(account=account.describe()))
        return 0
    platform = _platform_row(context)
    rows = [*([platform] if platform else []), *(_site_row(context, a) for a in sites.all())]
    if args.json:
        _print_json({"version": JSON_VERSION, "accounts": rows})
    else:
        for row in rows:
            state = _("signed in") if row["signed_in"] else _("signed out")
            print(f"{row['key']:14} {row['site']} — {row['learner'] or '—'} ({state})")
    return 0


def _add(context: AppContext, args: argparse.Namespace) -> SiteAccount:
    """With --username: the password from standard input (or asked). Without: the site's
    own sign-in page in the browser, its answer received here."""
    sites = context.site_accounts()
    if args.username:
        return sites.add_with_password(args.address, *_credentials(args.username))
    if sites.describe_site(args.address).sign_in_kind is SignInKind.PASSWORD:
        raise UserFacingError(
            _("Give the name you sign in with: --username NAME."),
            _("This site signs you in with a password typed here."),
        )
    address = sites.start_browser_sign_in(args.address)
    print(_("Sign in in your browser: {address}").format(address=address), flush=True)
    webbrowser.open(address)
    answer = wait_for_answer(BROWSER_WAIT_SECONDS)
    if answer is None:
        raise UserFacingError(
            _("The browser sign-in did not come back here."),
            _("If Companion's window is open, add the site from its Account tab instead."),
        )
    return sites.finish_browser_sign_in(answer)


def _credentials(username: str) -> tuple[str, str]:
    if sys.stdin.isatty():
        password = getpass.getpass(_("Password for {name}: ").format(name=username))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    return username, password


def _platform_row(context: AppContext) -> dict[str, Any] | None:
    account = context.account.saved_account()
    if account is None:
        return None
    return {
        "key": "platform",
        "kind": "platform-v1",
        "site": _("the platform"),
        "address": context.connection.learner_issuer(),
        "learner": account.name,
        "signed_in": context.account.is_signed_in(),
        "courses": None,
    }


def _site_row(context: AppContext, account: SiteAccount) -> dict[str, Any]:
    return {
        "key": account.key,
        "kind": account.kind,
        "site": account.site_name,
        "address": account.address,
        "learner": account.name,
        "signed_in": context.site_accounts().is_signed_in(account),
        "courses": len(account.courses),
    }


# --- library and download ----------------------------------------------------------------


def _library(context: AppContext, as_json: bool) -> int:
    library = context.library()
    progress = context.progress()
    sites = context.site_accounts()
    courses: list[dict[str, Any]] = []
    for course_id in library.my_courses():
        manifest = library.manifest(course_id)
        account = sites.owner_of(course_id)
        states = library.chapter_states(course_id)
        done = progress.completed_chapters(course_id)
        chapters = [
            {
                "id": chapter.id,
                "title": chapter.title,
                "state": states.get(chapter.id, "not_downloaded"),
                "completed": chapter.id in done,
                "unavailable": chapter.unavailable,
            }
            for part in (manifest.parts if manifest else ())
            for chapter in part.chapters
        ]
        courses.append(
            {
                "course": course_id,
                "site": account.site_name if account else _("the platform"),
                "account": account.key if account else "platform",
                "title": manifest.title if manifest else "",
                "chapters": chapters,
            }
        )
    if as_json:
        _print_json({"version": JSON_VERSION, "courses": courses})
        return 0
    for course in courses:
        offline = sum(c["state"] == OFFLINE for c in course["chapters"])
        title = course["title"] or _("(outline not downloaded yet)")
        print(f"{course['course']}  [{course['site']}]  {title}")
        total = len(course["chapters"])
        here = ngettext(
            "{offline} of {total} chapter on this computer",
            "{offline} of {total} chapters on this computer",
            total,
        )
        print("    " + here.format(offline=offline, total=total))
    return 0


def _download(context: AppContext, course_id: str) -> int:
    library = context.library()
    if course_id not in library.my_courses():
        raise UserFacingError(
            _("{course} is not in your library.").format(course=course_id),
            _("`companion library` lists your courses with their references."),
        )
    report = library.download(course_id, Control.new())
    n = report.fetched_assets
    done = ngettext("{course}: {n} file downloaded", "{course}: {n} files downloaded", n)
    print(done.format(course=course_id, n=n))
    if report.held_back:
        held = ngettext(
            "{n} large file waits: the connection is metered",
            "{n} large files wait: the connection is metered",
            report.held_back,
        )
        print(held.format(n=report.held_back))
    return 0


def _print_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
