"""Sign-in against the sandbox in strict mode, as against a certified OpenID provider: the
defects issue 11 saw there (refresh scope, dead refresh tokens, a sign-in the platform
refused), and a sign-in that lives through many access-token expiries."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from companion.auth.errors import SignInError, SignInRequired
from companion.errors import UserFacingError
from tests.auth_helpers import Browser, query


@pytest.fixture
def strict(context, memory_keyring, platform_env):
    platform_env.oidc.strict = True
    return context


def sign_in(context, browser=None):
    return context.account.sign_in_with_browser(browser or Browser(), threading.Event())


def without(url: str, name: str) -> str:
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k != name]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def force_refresh(context):
    session = context.account.session()
    session.access_rejected(session.bearer())
    return session.bearer()


def new_tokens(provider, since: int):
    with provider.lock:
        return provider.tokens[since:]


def test_the_browser_flow_asks_for_consent_and_the_first_refresh_works(strict, platform_env):
    browser = Browser()
    sign_in(strict, browser)
    assert "consent" in query(browser.opened[0])["prompt"].split()  # Core 11: offline_access
    assert "offline_access" in platform_env.oidc.tokens[-1].scope.split()
    before = strict.account.session().refresh_count
    force_refresh(strict)
    assert strict.account.session().refresh_count == before + 1


def test_a_refresh_asks_for_no_more_than_was_granted(strict, platform_env):
    # A provider that grants offline_access without being asked for consent's sake, or
    # never: the refresh token still works, since the refresh asks for what was granted.
    browser = Browser()
    sign_in(strict, lambda url: browser(without(url, "prompt")))
    assert "offline_access" not in platform_env.oidc.tokens[-1].scope.split()
    force_refresh(strict)  # refused with invalid_scope when the refresh re-sends the scope
    assert strict.account.refresh_account().name == "Camille Martin"


def test_a_browser_sign_in_survives_five_access_token_expiries(strict, platform_env):
    platform_env.oidc.access_token_lifetime = 1
    sign_in(strict)
    session = strict.account.session()
    before = session.refresh_count
    for _ in range(5):
        expired = session._access
        time.sleep(1.1)  # the provider's access token has expired
        assert platform_env.oidc.token_for_access(expired).is_expired()
        assert strict.catalog.refresh() is not None  # real API calls, each needing a refresh
        assert strict.account.refresh_account().name == "Camille Martin"
    assert session.refresh_count >= before + 5
    assert strict.account.is_signed_in()


@pytest.mark.parametrize("error", ["invalid_scope", "unauthorized_client", "invalid_client"])
def test_a_refused_refresh_forgets_the_dead_token(strict, platform_env, memory_keyring, error):
    sign_in(strict)
    platform_env.oidc.refuse_refresh = error
    with pytest.raises(SignInRequired, match="session has ended"):
        force_refresh(strict)
    assert not memory_keyring.items  # not retried at every sync
    assert not strict.account.is_signed_in()
    assert strict.account.saved_account() is not None  # the profile stays for offline use


@pytest.mark.parametrize("error", ["server_error", "temporarily_unavailable"])
def test_a_busy_provider_keeps_the_refresh_token(strict, platform_env, memory_keyring, error):
    sign_in(strict)
    platform_env.oidc.refuse_refresh = error
    with pytest.raises(UserFacingError, match="cannot be reached") as caught:
        force_refresh(strict)
    assert not isinstance(caught.value, SignInRequired)
    assert memory_keyring.items
    platform_env.oidc.refuse_refresh = None
    assert strict.account.refresh_account().name == "Camille Martin"  # and it comes back


def test_a_sign_in_the_platform_refuses_is_undone(strict, platform_env, memory_keyring):
    first = len(platform_env.oidc.tokens)
    platform_env.faults.set(status=401, path_prefix="/v1/me")
    with pytest.raises(SignInError, match="platform did not accept this sign-in"):
        sign_in(strict)
    platform_env.faults.clear()
    assert not memory_keyring.items
    assert not strict.account.is_signed_in()
    assert strict.account.saved_account() is None
    issued = new_tokens(platform_env.oidc, first)
    assert issued and all(token.revoked for token in issued)  # nothing left to refresh
