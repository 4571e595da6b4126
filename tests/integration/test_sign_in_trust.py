"""What a sign-in trusts, against the sandbox in strict mode: the RFC 9207 `iss`, ID tokens
of every common algorithm (device flow included), the learner's name from the provider,
and no token, code or verifier sent to a host the issuer did not name as its own."""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from companion.app.context import AppContext
from companion.auth.errors import SignInError
from companion.sandbox.server import SandboxServer
from tests.auth_helpers import Browser, approve_device, query

FORGED_ISSUER = "https://id.attacker.example"


@pytest.fixture
def strict(context, memory_keyring, platform_env):
    platform_env.oidc.strict = True
    platform_env.oidc.device_interval = 1  # announced, so the flow does not wait 5 s
    return context


@pytest.fixture
def elsewhere(platform_env, sample_content):
    """Another host, sharing the provider's state: it would honour a replayed token."""
    with SandboxServer(
        content=sample_content, provider=platform_env.oidc, learners=platform_env.learners
    ) as other:
        yield other


def sign_in(context, browser=None):
    return context.account.sign_in_with_browser(browser or Browser(), threading.Event())


def device_sign_in(context, login="karim"):
    authorization = context.account.start_device_sign_in()
    approve_device(authorization.verification_uri_complete, login)
    return context.account.finish_device_sign_in(authorization, threading.Event())


def with_iss(value):
    """A tamper that replaces the redirect's `iss` (None: removes it)."""

    def tamper(url, redirect):
        parts = urlsplit(redirect)
        params = [(k, v) for k, v in parse_qsl(parts.query) if k != "iss"]
        assert len(params) < len(parse_qsl(parts.query)), "the strict provider sends iss"
        if value is not None:
            params.append(("iss", value))
        return urlunsplit(parts._replace(query=urlencode(params)))

    return tamper


def test_the_strict_provider_sends_iss_and_it_is_accepted(strict, platform_env):
    seen = []

    def look(url, redirect):
        seen.append(redirect)
        return redirect

    sign_in(strict, Browser(tamper=look))
    assert query(seen[0])["iss"] == platform_env.url


@pytest.mark.parametrize("forged", [FORGED_ISSUER, None], ids=["forged", "missing"])
def test_a_forged_or_missing_iss_is_refused(strict, forged):
    with pytest.raises(SignInError, match="does not belong to this sign-in"):
        sign_in(strict, Browser(tamper=with_iss(forged)))
    assert not strict.account.is_signed_in()


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
def test_id_tokens_of_every_common_algorithm_are_verified(strict, platform_env, algorithm):
    platform_env.oidc.id_token_algorithm = algorithm
    assert sign_in(strict).name == "Camille Martin"
    strict.account.sign_out()
    assert device_sign_in(strict).name == "Karim Benali"


def test_a_forged_id_token_from_the_device_flow_is_refused(strict, platform_env):
    platform_env.oidc.forge_id_tokens = True
    with pytest.raises(SignInError, match="could not be verified"):
        device_sign_in(strict)
    assert not strict.account.is_signed_in()


@pytest.mark.parametrize("strict_mode", [True, False], ids=["userinfo", "id-token"])
def test_the_name_comes_from_the_provider_when_the_platform_has_none(
    strict, platform_env, strict_mode
):
    platform_env.oidc.strict = strict_mode  # strict: only userinfo has profile claims
    lea = platform_env.learners.records["lea"]
    lea.update(name="", given_name="Léa", family_name="Dubois")  # the platform has no name
    account = sign_in(strict, Browser("lea"))
    assert account.name == "Léa Dubois"
    assert account.entitlements  # the platform stays the authority for these
    assert strict.account.refresh_account().name == "Léa Dubois"  # and it stays


def test_token_requests_never_follow_a_redirect(strict, platform_env, elsewhere):
    sign_in(strict)
    session = strict.account.session()
    platform_env.oidc.token_redirect = f"{elsewhere.url}/oauth/token"
    session.access_rejected(session.bearer())
    with pytest.raises(SignInError, match="another address"):
        session.bearer()  # the refresh token must not reach the other host
    assert "/oauth/token" not in elsewhere.traffic.requests
    platform_env.oidc.token_redirect = None
    assert session.bearer()  # the refresh token is still good at the real provider


def test_the_code_and_verifier_never_follow_a_redirect(strict, platform_env, elsewhere):
    platform_env.oidc.token_redirect = f"{elsewhere.url}/oauth/token"
    with pytest.raises(SignInError, match="another address"):
        sign_in(strict)
    assert "/oauth/token" not in elsewhere.traffic.requests


@pytest.mark.parametrize("endpoint", ["revocation_endpoint", "token_endpoint", "userinfo_endpoint"])
def test_discovery_may_not_send_tokens_to_another_host(strict, platform_env, elsewhere, endpoint):
    path = {"revocation_endpoint": "/oauth/revoke", "token_endpoint": "/oauth/token"}
    platform_env.oidc.discovery_overrides = {
        endpoint: elsewhere.url + path.get(endpoint, "/oauth/userinfo")
    }
    with pytest.raises(SignInError, match="cannot trust"):
        sign_in(strict)
    strict.account.sign_out()
    assert not elsewhere.traffic.requests.get("/oauth/revoke")
    assert not elsewhere.traffic.requests.get("/oauth/token")


def test_another_host_for_tokens_works_when_allowed(
    platform_env, elsewhere, memory_keyring, monkeypatch
):
    platform_env.oidc.strict = True
    platform_env.oidc.discovery_overrides = {"revocation_endpoint": elsewhere.url + "/oauth/revoke"}
    monkeypatch.setenv("COMPANION_AUTH_ALLOWED_ORIGINS", elsewhere.url)
    context = AppContext.create()
    try:
        sign_in(context)
        context.account.sign_out()
    finally:
        context.close()
    assert elsewhere.traffic.requests.get("/oauth/revoke")
