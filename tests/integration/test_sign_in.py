"""Both sign-in flows end to end against the sandbox's OpenID provider, over real HTTP."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from companion.app.context import AppContext
from companion.auth.errors import SignInError, SignInRequired
from companion.errors import Cancelled, UserFacingError
from companion.sandbox.oidc import token_hash
from companion.sync.client import PlatformUnreachable
from tests.auth_helpers import Browser, approve_device, authorise, query


@pytest.fixture
def context(context, memory_keyring, platform_env):
    """The shared context, with a keyring that works and a quick device flow."""
    platform_env.oidc.device_interval = 1
    return context


def sign_in(context, browser=None):
    return context.account.sign_in_with_browser(browser or Browser(), threading.Event())


def test_browser_sign_in_with_pkce_shows_the_account(context, memory_keyring, platform_env):
    browser = Browser("camille")
    account = sign_in(context, browser)
    assert account.name == "Camille Martin"
    assert account.entitlements[0].status == "active"
    sent = query(browser.opened[0])
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) >= 43
    assert sent["redirect_uri"].startswith("http://127.0.0.1:")
    assert "offline_access" in sent["scope"].split()
    assert sent["nonce"] and sent["state"]
    assert list(memory_keyring.items.values())  # the refresh token is in the keyring
    assert context.account.saved_account() == account
    assert not browser.errors


def test_the_browser_page_after_the_redirect_is_friendly(context):
    pages = []

    def tamper(url, redirect):
        pages.append(requests.get(redirect, timeout=10).text)

    sign_in(context, Browser(tamper=tamper))
    assert "go back to Companion" in pages[0] or "revenir" in pages[0]


def test_wrong_state_is_refused(context):
    def swap_state(url, redirect):
        return redirect.replace(query(redirect)["state"], "forged-state")

    with pytest.raises(SignInError, match="does not belong to this sign-in"):
        sign_in(context, Browser(tamper=swap_state))
    assert not context.account.is_signed_in()


def test_an_injected_code_fails_the_pkce_check(context):
    def inject_other_code(url, redirect):
        # An attacker's own authorization (other PKCE verifier), delivered with our state.
        sent = query(url)
        attacker = url.replace(sent["code_challenge"], "A" * 43).replace(sent["nonce"], "n2")
        theirs = authorise(attacker, "lea")
        return redirect.replace(query(redirect)["code"], query(theirs)["code"])

    with pytest.raises(SignInError, match="could not be verified"):
        sign_in(context, Browser(tamper=inject_other_code))


def test_consent_denied(context):
    with pytest.raises(SignInError, match="did not allow"):
        sign_in(context, Browser(decision="deny"))


def test_cancelling_while_the_browser_is_open(context):
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(Cancelled):
        context.account.sign_in_with_browser(lambda url: True, cancelled)


def test_loopback_port_in_use(context):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        context.settings.set("auth.loopback_port", busy.getsockname()[1])
        with pytest.raises(SignInError, match="another program uses it"):
            sign_in(context)


def test_platform_unreachable_mid_flow_loses_nothing(context, platform_env):
    platform_env.faults.set(drop_after_bytes=5, path_prefix="/oauth/token", times=1)
    with pytest.raises(PlatformUnreachable, match="cannot be reached"):
        sign_in(context)
    assert sign_in(context).name == "Camille Martin"  # and the next try works


def test_refresh_rotates_and_stores_the_new_token_first(context, memory_keyring, platform_env):
    sign_in(context)
    session = context.account.session()
    first = next(iter(memory_keyring.items.values()))
    session.access_rejected(session.bearer())
    session.bearer()
    second = next(iter(memory_keyring.items.values()))
    assert second != first
    # The retired refresh token is refused by the provider.
    with pytest.raises(SignInRequired):
        session.oidc.refresh(first)


def test_only_one_refresh_runs_at_a_time(context):
    sign_in(context)
    session = context.account.session()
    session.access_rejected(session.bearer())
    before = session.refresh_count
    tokens = []
    threads = [threading.Thread(target=lambda: tokens.append(session.bearer())) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert session.refresh_count == before + 1
    assert len(set(tokens)) == 1


def test_an_expired_access_token_is_refreshed_once_after_a_401(context, platform_env):
    sign_in(context)
    session = context.account.session()
    # The platform forgets the access token (as after a server restart): 401, then refresh.
    current = session.bearer()
    with platform_env.oidc.lock:
        for token in platform_env.oidc.tokens:
            if token.access_hash == token_hash(current):
                token.access_hash = token_hash("forgotten-by-the-server")
    before = session.refresh_count
    assert context.account.refresh_account().name == "Camille Martin"
    assert session.refresh_count == before + 1


def test_revoked_on_another_device_asks_to_sign_in_again_and_keeps_data(context, platform_env):
    sign_in(context)
    context.catalog.refresh()
    session = context.account.session()
    session.access_rejected(session.bearer())
    platform_env.oidc.revoke_all_for("camille")
    with pytest.raises(SignInRequired, match="session has ended") as caught:
        context.account.refresh_account()
    assert "progress are kept" in caught.value.hint
    assert not context.account.is_signed_in()
    assert context.account.saved_account() is not None
    assert context.catalog.cached() is not None


def test_sign_out_revokes_the_tokens(context, memory_keyring, platform_env):
    sign_in(context)
    session = context.account.session()
    refresh = next(iter(memory_keyring.items.values()))
    context.account.sign_out()
    assert not memory_keyring.items
    assert context.account.saved_account() is None
    with pytest.raises(SignInRequired):
        session.oidc.refresh(refresh)


def test_offline_start_after_signing_in(context, platform_env, monkeypatch):
    sign_in(context)
    context.close()
    from tests.conftest import unused_port

    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", f"http://127.0.0.1:{unused_port()}")
    monkeypatch.setenv("COMPANION_PLATFORM_ISSUER", platform_env.url)
    restarted = AppContext.create()
    try:
        saved = restarted.account.saved_account()
        assert saved is not None and saved.name == "Camille Martin"
        with pytest.raises(PlatformUnreachable):
            restarted.account.refresh_account()
        assert restarted.account.saved_account() is not None  # still there
    finally:
        restarted.close()


def test_device_flow_end_to_end(context):
    authorization = context.account.start_device_sign_in()
    assert authorization.user_code and authorization.verification_uri.endswith("/device")
    threading.Timer(0.5, approve_device, (authorization.verification_uri_complete, "karim")).start()
    account = context.account.finish_device_sign_in(authorization, threading.Event())
    assert account.name == "Karim Benali"
    assert account.entitlements[0].status == "pending"


def test_device_flow_denied(context):
    authorization = context.account.start_device_sign_in()
    approve_device(authorization.verification_uri_complete, "karim", decision="deny")
    with pytest.raises(SignInError, match="refused on the other device"):
        context.account.finish_device_sign_in(authorization, threading.Event())


def test_device_flow_slows_down_when_told(context):
    authorization = context.account.start_device_sign_in()
    waits = []

    def impatient(seconds):  # polls at once, ignoring the interval, as a buggy client would
        waits.append(seconds)
        return len(waits) > 3  # then gives up, as a cancel would

    session = context.account.session()
    with pytest.raises(Cancelled):
        session.oidc.finish_device_sign_in(authorization, threading.Event(), sleep=impatient)
    assert waits[0] == 1 and waits[-1] > waits[0]  # slow_down added 5 s each time


def test_device_code_expiry(context, platform_env):
    platform_env.oidc.device_lifetime = 1
    authorization = context.account.start_device_sign_in()
    time.sleep(1.2)
    with pytest.raises(SignInError, match="expired"):
        context.account.finish_device_sign_in(authorization, threading.Event())


def test_activation_of_a_pending_premium_access(context):
    authorization = context.account.start_device_sign_in()
    approve_device(authorization.verification_uri_complete, "karim")
    context.account.finish_device_sign_in(authorization, threading.Event())
    with pytest.raises(UserFacingError, match="7 digits"):
        context.account.activate("12AB")
    with pytest.raises(UserFacingError, match="does not recognise"):
        context.account.activate("7654321Z")
    account = context.account.activate(" 1234 567k ")
    assert account.entitlements[0].status == "active"
    assert account.entitlements[0].starts_on is not None
    with pytest.raises(UserFacingError, match="already active"):
        context.account.activate("1234567K")


def test_identity_provider_on_another_host(
    platform_env, memory_keyring, monkeypatch, sample_content
):
    from companion.sandbox.server import SandboxServer

    with SandboxServer(
        content=sample_content, provider=platform_env.oidc, learners=platform_env.learners
    ) as identity:
        monkeypatch.setenv("COMPANION_PLATFORM_ISSUER", identity.url)
        context = AppContext.create()
        try:
            browser = Browser()
            account = sign_in(context, browser)
            assert browser.opened[0].startswith(identity.url)
            assert account.name == "Camille Martin"
        finally:
            context.close()


def test_what_the_learner_typed_wrong_shows_no_reference_and_a_bug_does(context):
    from companion.errors import describe
    from companion.sync.client import PlatformError

    authorization = context.account.start_device_sign_in()
    approve_device(authorization.verification_uri_complete, "karim")
    context.account.finish_device_sign_in(authorization, threading.Event())
    for typed in ("12AB", "7654321Z"):  # a wrong shape; a 422 from the platform
        with pytest.raises(UserFacingError) as refused:
            context.account.activate(typed)
        assert refused.value.reference == ""
        assert describe(refused.value)[2] == ""
    server_fault = PlatformError("The platform failed.", status=500, request_id="req-1")
    assert describe(server_fault)[2] == "req-1"  # platform errors keep their request id
    assert describe(RuntimeError("bug"))[2].startswith("CMP-")


def test_nothing_to_sign_in_with_is_no_fault_and_has_no_reference(context, memory_keyring):
    """Issue 25: a restart with no keyring said "Connectez-vous pour continuer" with an
    error reference (CMP-…), as if something had broken."""
    from companion.auth.errors import SignInRequired
    from companion.errors import describe

    with pytest.raises(SignInRequired) as raised:
        context.account.session().bearer()
    message, hint, reference = describe(raised.value)
    assert reference == "" and "CMP-" not in message + hint
