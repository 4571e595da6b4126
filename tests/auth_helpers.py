"""Plays the learner's browser against the sandbox's pages, over real HTTP."""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import keyring.backend
import requests

PASSWORD = "apprendre"


def _next_field(html: str) -> str:
    match = re.search(r"name='next' value='([^']*)'", html)
    assert match, "login page without a next field"
    return match.group(1).replace("&amp;", "&")


def log_in(
    session: requests.Session, url: str, login: str, password: str = PASSWORD
) -> requests.Response:
    """GET a page that needs a signed-in learner; fill the login form when it appears."""
    page = session.get(url, timeout=10)
    if "name='password'" not in page.text:
        return page
    base = f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}"
    return session.post(
        urljoin(base, "/oauth/login"),
        timeout=10,
        data={"username": login, "password": password, "next": _next_field(page.text)},
    )


def authorise(url: str, login: str, decision: str = "allow") -> str:
    """Follow the authorization URL as a learner would; returns the redirect to loopback."""
    browser = requests.Session()
    consent = log_in(browser, url, login)
    assert "Autoriser Companion" in consent.text, consent.text[:300]
    answer = browser.post(
        consent.url, data={"decision": decision}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text[:300]
    location: str = answer.headers["Location"]
    return location


class Browser:
    """An ``open_browser`` callable: follows the pages on a thread, like a real browser."""

    def __init__(self, login: str = "camille", decision: str = "allow", tamper: Any = None) -> None:
        self.login = login
        self.decision = decision
        self.tamper = tamper  # changes the redirect before it reaches Companion
        self.opened: list[str] = []
        self.errors: list[BaseException] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        threading.Thread(target=self._drive, args=(url,), daemon=True).start()
        return True

    def _drive(self, url: str) -> None:
        try:
            redirect = authorise(url, self.login, self.decision)
            if self.tamper is not None:
                redirect = self.tamper(url, redirect)
            if redirect is not None:  # None: the tamper delivered it itself
                requests.get(redirect, timeout=10)
        except BaseException as error:  # surfaced by the test
            self.errors.append(error)
            # Tell Companion the page failed, so the flow ends instead of waiting.
            sent = query(url)
            requests.get(
                sent["redirect_uri"],
                timeout=10,
                params={"error": "server_error", "state": sent["state"]},
            )


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def approve_device(verification_uri_complete: str, login: str, decision: str = "allow") -> None:
    browser = requests.Session()
    page = log_in(browser, verification_uri_complete, login)
    assert "Connecter un appareil" in page.text
    done = browser.post(
        page.url, data={"user_code": query(page.url)["user_code"], "decision": decision}, timeout=10
    )
    assert done.status_code == 200


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Stands in for the OS keyring, which a headless test machine does not have."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        import keyring.errors

        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError(username)
        del self.items[(service, username)]
