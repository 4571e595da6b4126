"""The learner's accounts on other sites: a training centre's Moodle, beside the platform.

A profile may hold any number of them. Each is a site (its address and name, as it says
them), the learner there (the site's user id and name) and, while signed in, a token in
the keyring (in memory only on a kiosk, or where no safe keyring works); the password is
sent once to the site and never kept. What is written down (``site-accounts.json``, owner
only) holds no secret: the accounts, and each one's courses as last listed, so that the
library knows offline which account a course belongs to.

Everything a learner does on such a course belongs to that account's learner: the site's
address and their user id there (``Learner``), never to whoever is signed in elsewhere.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from companion.auth.errors import SignInError, SignInRequired
from companion.auth.vault import Vault, VaultUnavailable, open_vault
from companion.errors import UserFacingError
from companion.files import read_json, write_json_atomic
from companion.i18n import _
from companion.platform import Platform, SignInKind
from companion.services.learners import Learner
from companion.services.site_quizzes import SiteQuizzes
from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.kinds import (
    SiteDescription,
    browser_sign_in_address,
    check_address,
    discover,
    open_platform,
    sign_in_with_password,
    token_from_browser,
)

log = logging.getLogger("companion.services")

ACCOUNTS_FILE = "site-accounts.json"
BROWSER_SIGN_IN_SECONDS = 15 * 60  # how long a browser sign-in may take to come back


class SiteAccount(NamedTuple):
    kind: str  # "moodle"
    address: str  # the site's own address
    site_name: str
    user_id: str  # the learner there
    name: str  # the learner's name there
    sign_in_kind: str  # a SignInKind value
    courses: tuple[str, ...] = ()  # course references, as last listed by the site
    added_at: float = 0.0

    @property
    def key(self) -> str:
        """Names the account in commands and file names (no name, no user id in clear)."""
        return self.learner.key[:12]

    @property
    def learner(self) -> Learner:
        """Who owns what is done on this account's courses: the site + its user id."""
        return Learner(self.address, self.user_id, self.name)

    def describe(self) -> str:
        return f"{self.site_name} — {self.name}"


class SiteSource(NamedTuple):
    """Where a site course's outline and files come from: its account's site, signed in."""

    account: SiteAccount
    platform: Platform
    downloads: HttpClient  # without transport retries: the downloader resumes by itself


class SiteCourses(Protocol):
    """What the library needs of the site accounts (``SiteAccounts`` is one)."""

    def courses(self) -> list[str]: ...
    def site_names(self) -> dict[str, str]: ...
    def quizzes_for(self, course_id: str) -> SiteQuizzes | None: ...
    def source_of(self, course_id: str) -> SiteSource | None: ...


class SiteAccounts:
    """The accounts of one profile (or one kiosk session: ``folder`` is wiped with it)."""

    def __init__(
        self,
        folder: Path,
        profile: str,
        network: Callable[[str], NetworkConfig],
        *,
        kiosk: bool = False,
        learner_folder: Callable[[Learner], Path] | None = None,
    ) -> None:
        self.file = folder / ACCOUNTS_FILE
        self.learner_folder = learner_folder  # where each account's learner keeps things
        self.profile = profile
        self.network = network
        self.kiosk = kiosk
        self._lock = threading.Lock()
        self._vaults: dict[str, Vault] = {}  # session vaults must live as long as the app
        # Browser sign-ins under way: passport -> (the site, until when it may answer).
        self._pending: dict[str, tuple[SiteDescription, float]] = {}
        self._clients: dict[str, HttpClient] = {}

    # --- what is kept --------------------------------------------------------------------

    def all(self) -> list[SiteAccount]:
        return kept_accounts(self.file.parent)

    def find(self, wanted: str) -> SiteAccount:
        """By key, address or site name, as the command line gives it."""
        text = wanted.strip().rstrip("/").casefold()
        matching = [
            a for a in self.all() if text in (a.key, a.address.casefold(), a.site_name.casefold())
        ]
        if len(matching) != 1:
            raise UserFacingError(
                _("No single account matches {wanted!r}.").format(wanted=wanted),
                _("`companion accounts` lists them, each with its key."),
            )
        return matching[0]

    def courses(self) -> list[str]:
        """Every site account's courses, as last listed (offline too)."""
        return [course for account in self.all() for course in account.courses]

    def quizzes_for(self, course_id: str) -> SiteQuizzes | None:
        """A site course's quizzes kept for offline answering, in its learner's folder."""
        account = self.owner_of(course_id)
        if account is None or self.learner_folder is None:
            return None
        return SiteQuizzes(self.learner_folder(account.learner))

    def site_names(self) -> dict[str, str]:
        """Each site course and the name of its site (the accounts file read once)."""
        return {course: a.site_name for a in self.all() for course in a.courses}

    def owner_of(self, course_id: str) -> SiteAccount | None:
        """The account a course was listed by (None: the platform's own courses)."""
        return next((a for a in self.all() if course_id in a.courses), None)

    # --- adding, signing in and out, removing -----------------------------------------

    def describe_site(self, address: str) -> SiteDescription:
        """What a typed address is: a Moodle site, and how its learners sign in."""
        return discover(self._client(check_address(address)))

    def add_with_password(self, address: str, username: str, password: str) -> SiteAccount:
        """Sign in to the site with a name and password, and keep the account."""
        site = self.describe_site(address)
        if site.sign_in_kind is not SignInKind.PASSWORD:
            raise UserFacingError(
                _("This site signs you in through your browser."),
                _("Add it without a password: Companion opens the browser."),
            )
        token = sign_in_with_password(site.kind, self._client(site.address), username, password)
        return self._keep(site, token)

    def start_browser_sign_in(self, address: str) -> str:
        """For a site whose learners sign in in the browser: the address to open there.
        The answer comes back through Companion's URL scheme (``finish_browser_sign_in``),
        proven by a random passport kept here, in memory, for a quarter of an hour."""
        site = self.describe_site(address)
        passport = secrets.token_hex(16)
        with self._lock:
            now = time.monotonic()
            self._pending = {p: s for p, s in self._pending.items() if s[1] > now}
            self._pending[passport] = (site, now + BROWSER_SIGN_IN_SECONDS)
        return browser_sign_in_address(site, passport)

    def finish_browser_sign_in(self, returned: str) -> SiteAccount:
        """The browser handed back the site's answer: the account is kept if it answers a
        sign-in started here (any other is refused, and nothing is kept)."""
        with self._lock:
            pending = [
                (p, s) for p, (s, until) in self._pending.items() if until > time.monotonic()
            ]
        for passport, site in pending:
            try:
                token = token_from_browser(site, returned, passport)
            except SignInError:
                continue
            with self._lock:
                self._pending.pop(passport, None)
            return self._keep(site, token)
        raise SignInError(
            _("This sign-in answer is not for a sign-in started here, or it came too late."),
            _("Start the sign-in again from the Account tab."),
        )

    def _keep(self, site: SiteDescription, token: str) -> SiteAccount:
        platform = open_platform(self._client(site.address), site.kind, token)
        me = platform.me()
        account = SiteAccount(
            site.kind,
            site.address,
            site.name,
            me.id,
            me.name,
            site.sign_in_kind.value,
            tuple(platform.enrollments()),
            time.time(),
        )
        self._vault(account).store(token)
        with self._lock:
            kept = [a for a in self.all() if a.key != account.key]
            self._save([*kept, account])
        log.info("site account added: %s (%d course(s))", account.key, len(account.courses))
        return account

    def is_signed_in(self, account: SiteAccount) -> bool:
        try:
            return self._vault(account).load() is not None
        except VaultUnavailable:
            return False

    def platform(self, account: SiteAccount) -> Platform:
        """The account's site, signed in; SignInRequired when it is not."""
        token = self._token(account)
        return open_platform(self._client(account.address), account.kind, token)

    def source_of(self, course_id: str) -> SiteSource | None:
        """For a course of a site account: its signed-in site (None: a platform course)."""
        account = self.owner_of(course_id)
        if account is None:
            return None
        platform = self.platform(account)
        with self._lock:
            key = f"downloads {account.address}"
            client = self._clients.get(key)
            if client is None:
                config = dataclasses.replace(self.network(account.address), retries=0)
                client = self._clients[key] = HttpClient(config)
        return SiteSource(account, platform, client)

    def refresh_courses(self, account: SiteAccount) -> SiteAccount:
        """The account's courses as the site lists them now (kept for offline use)."""
        courses = tuple(self.platform(account).enrollments())
        updated = account._replace(courses=courses)
        with self._lock:
            self._save([updated if a.key == account.key else a for a in self.all()])
        return updated

    def sign_out(self, account: SiteAccount) -> None:
        """Forget the token; the account, its courses and its progress stay."""
        try:
            self._vault(account).clear()
        except VaultUnavailable as error:
            log.warning("could not clear the keyring entry: %s", error)
        log.info("signed out of site account %s", account.key)

    def remove(self, account: SiteAccount) -> None:
        """Sign out and forget the account. Its progress is the caller's to settle first."""
        self.sign_out(account)
        with self._lock:
            self._save([a for a in self.all() if a.key != account.key])
        log.info("site account removed: %s", account.key)

    def forget_tokens(self) -> None:
        """A kiosk session ends: every token kept in memory goes (the keyring holds none
        on a kiosk); the accounts file goes with the session's folder."""
        with self._lock:
            vaults, self._vaults = list(self._vaults.values()), {}
        for vault in vaults:
            try:
                vault.clear()
            except VaultUnavailable as error:
                log.warning("could not clear a site token: %s", error)

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, {}
        for client in clients.values():
            client.close()

    # --- inside -----------------------------------------------------------------------------

    def _token(self, account: SiteAccount) -> str:
        try:
            token = self._vault(account).load()
        except VaultUnavailable:
            token = None
        if not token:
            raise SignInRequired(
                _("Sign in to {site} again to continue.").format(site=account.site_name),
                _("Your downloads and progress are kept on this computer."),
            )
        return token

    def _vault(self, account: SiteAccount) -> Vault:
        with self._lock:
            vault = self._vaults.get(account.key)
            if vault is None:
                name = f"{self.profile}@{account.address}#{account.user_id}"
                vault = open_vault(name, kiosk=self.kiosk)
                self._vaults[account.key] = vault
            return vault

    def _client(self, address: str) -> HttpClient:
        with self._lock:
            client = self._clients.get(address)
            if client is None:
                client = HttpClient(self.network(address))
                self._clients[address] = client
            return client

    def _save(self, accounts: list[SiteAccount]) -> None:
        records = [{**a._asdict(), "courses": list(a.courses)} for a in accounts]
        write_json_atomic(self.file, {"accounts": records})


def kept_accounts(folder: Path) -> list[SiteAccount]:
    """The site accounts written down in ``folder`` (read only: no keyring, no network)."""
    data = read_json(folder / ACCOUNTS_FILE)
    records = data.get("accounts") if isinstance(data, dict) else None
    accounts = []
    for record in records if isinstance(records, list) else []:
        try:
            accounts.append(_account(record))
        except (KeyError, TypeError, ValueError):
            log.warning("a damaged site account record was left out")
    return accounts


def _account(record: Any) -> SiteAccount:
    courses = record.get("courses", [])
    if not isinstance(courses, list) or not all(isinstance(c, str) for c in courses):
        raise ValueError("courses")
    kind, address, site_name, user_id, name = (
        _text(record, f) for f in ("kind", "address", "site_name", "user_id", "name")
    )
    added = record.get("added_at", 0.0)
    return SiteAccount(
        kind,
        address,
        site_name,
        user_id,
        name,
        SignInKind(record["sign_in_kind"]).value,
        tuple(courses),
        float(added) if isinstance(added, int | float) else 0.0,
    )


def _text(record: Any, name: str) -> str:
    value = record[name]
    if not isinstance(value, str):
        raise TypeError(f"{name} is not text")
    return value
