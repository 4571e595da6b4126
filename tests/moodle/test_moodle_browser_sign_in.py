"""Sign-in through the browser (Moodle's typeoflogin 2), against a real Moodle 5.1: Companion
opens launch.php with a random passport and its own URL scheme; the learner signs in on the
site in their browser; the site's answer comes back through the scheme and is accepted only
when its md5 proves it answers this sign-in."""

from __future__ import annotations

import base64
import subprocess
import sys
import threading

import pytest

from companion.app.context import AppContext
from companion.auth.errors import SignInError
from companion.cli import main
from companion.platform import URL_SCHEME, SignInKind
from tests.moodle_site import LEARNER, MoodleSite, browser_sign_in


@pytest.fixture
def sso_site(moodle: MoodleSite) -> MoodleSite:
    moodle.set_config("typeoflogin", "2", component="tool_mobile")
    moodle.set_config("forcedurlscheme", URL_SCHEME, component="tool_mobile")
    return moodle


@pytest.fixture
def app(sso_site: MoodleSite, platform_env, memory_keyring, monkeypatch):
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(sso_site.certificate))
    created = AppContext.create()
    yield created
    created.close()


def test_a_browser_sign_in_adds_the_account(sso_site, app):
    sites = app.site_accounts()
    assert sites.describe_site(sso_site.url).sign_in_kind is SignInKind.BROWSER_TOKEN
    address = sites.start_browser_sign_in(sso_site.url)
    assert address.startswith(f"{sso_site.url}/admin/tool/mobile/launch.php?")
    assert f"urlscheme={URL_SCHEME}" in address and "passport=" in address
    returned = browser_sign_in(sso_site, address, *LEARNER)
    assert returned.startswith(f"{URL_SCHEME}://token=")
    account = sites.finish_browser_sign_in(returned)
    assert (account.name, account.courses) == ("Élodie Lefèvre", (account.courses[0],))
    assert sites.is_signed_in(account)


def test_an_answer_for_another_sign_in_is_refused_and_keeps_nothing(sso_site, app):
    sites = app.site_accounts()
    address = sites.start_browser_sign_in(sso_site.url)
    returned = browser_sign_in(sso_site, address, *LEARNER)
    payload = base64.b64decode(returned.split("token=", 1)[1]).decode()
    forged = "0" * 32 + payload[32:]  # the same token, not proven for this passport
    with pytest.raises(SignInError):
        sites.finish_browser_sign_in(
            f"{URL_SCHEME}://token=" + base64.b64encode(forged.encode()).decode()
        )
    assert sites.all() == []
    with pytest.raises(SignInError):  # and once used, an answer cannot be used again
        sites.finish_browser_sign_in(returned) and sites.finish_browser_sign_in(returned)


def test_the_command_line_adds_a_browser_site_and_receives_its_answer(
    qapp, sso_site, platform_env, memory_keyring, monkeypatch, capsys
):
    # qapp: the command makes a QCoreApplication when there is none, and one made in this
    # test process would stand in the way of the window tests' QApplication after it.
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(sso_site.certificate))
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")
    sent: list[threading.Thread] = []

    def the_learners_browser(address: str) -> bool:
        def sign_in_then_hand_back() -> None:  # the system starts a second Companion
            answer = browser_sign_in(sso_site, address, *LEARNER)
            handed = subprocess.run(
                [sys.executable, "-m", "companion", answer], timeout=60, check=False
            )
            assert handed.returncode == 0

        sent.append(threading.Thread(target=sign_in_then_hand_back))
        sent[0].start()
        return True

    monkeypatch.setattr("companion.cli.sites.webbrowser.open", the_learners_browser)
    assert main(["accounts", "add", sso_site.url]) == 0
    sent[0].join(30)
    out = capsys.readouterr().out
    assert "Sign in in your browser:" in out and "launch.php" in out
    assert "Added: Centre de formation (test) — Élodie Lefèvre (1 course)" in out
