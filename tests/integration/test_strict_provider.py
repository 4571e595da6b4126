"""The sandbox's strict provider as resource servers and the client see it: JWT access
tokens an LRS can validate alone, the device answer without an interval, slow_down on
demand, offline_access only with consent."""

from __future__ import annotations

import threading

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from companion.errors import Cancelled
from tests.auth_helpers import Browser, approve_device


@pytest.fixture
def signed_in_context(context, memory_keyring):
    return context


def test_strict_is_the_default_and_discovery_says_so(sandbox):
    document = requests.get(f"{sandbox.url}/.well-known/openid-configuration", timeout=10).json()
    assert sandbox.oidc.strict
    assert document["authorization_response_iss_parameter_supported"] is True
    assert set(document["id_token_signing_alg_values_supported"]) >= {"RS256", "ES256", "EdDSA"}


def test_jwt_access_tokens_validate_against_the_jwks(signed_in_context, platform_env):
    platform_env.oidc.jwt_access_tokens = True
    platform_env.oidc.access_token_audience = "https://lrs.example.org/xAPI"
    context = signed_in_context
    context.account.sign_in_with_browser(Browser(), threading.Event())
    access = context.account.session().bearer()
    jwks = requests.get(f"{platform_env.url}/.well-known/jwks.json", timeout=10).json()
    token = jwt.decode(access, KeySet.import_key_set(jwks), algorithms=["RS256"])
    assert token.header["typ"] == "at+jwt"  # RFC 9068 2.1
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": platform_env.url},
        aud={"essential": True, "value": "https://lrs.example.org/xAPI"},
        sub={"essential": True, "value": "u-1001"},
        exp={"essential": True},
        iat={"essential": True},
        jti={"essential": True},
        client_id={"essential": True, "value": "companion-desktop"},
    )
    registry.validate(token.claims)
    assert {"openid", "offline_access"} <= set(token.claims["scope"].split())
    assert context.account.refresh_account().name == "Camille Martin"  # the platform takes it


def poll_waits(context, slow_downs=0, polls=3):
    """The waits the client chooses, without waiting them."""
    context.account.session().oidc._provider = None  # rediscover after switches changed
    authorization = context.account.start_device_sign_in()
    waits: list[float] = []

    def record(seconds):
        waits.append(seconds)
        return len(waits) > polls  # then cancel

    with pytest.raises(Cancelled):
        context.account.session().oidc.finish_device_sign_in(
            authorization, threading.Event(), sleep=record
        )
    return authorization, waits


def test_no_interval_in_the_device_answer_means_five_seconds(signed_in_context, platform_env):
    answer = requests.post(
        f"{platform_env.url}/oauth/device_authorization",
        data={"client_id": "companion-desktop", "scope": "openid"},
        timeout=10,
    ).json()
    assert "interval" not in answer  # RFC 8628 3.2: optional
    authorization, waits = poll_waits(signed_in_context)
    assert authorization.interval == 5 and waits[0] == 5


def test_slow_down_on_demand_adds_five_seconds_each_time(signed_in_context, platform_env):
    platform_env.oidc.slow_down_polls = 2
    _authorization, waits = poll_waits(signed_in_context, polls=2)
    assert waits == [5, 10, 15]  # RFC 8628 3.5: 5 s more after each slow_down
    assert platform_env.oidc.slow_down_polls == 0  # both were answered


def test_offline_access_is_granted_with_consent_only(signed_in_context, platform_env):
    # Through the device flow, approving on the page is the consent.
    platform_env.oidc.device_interval = 1
    authorization = signed_in_context.account.start_device_sign_in()
    approve_device(authorization.verification_uri_complete, "karim")
    signed_in_context.account.finish_device_sign_in(authorization, threading.Event())
    assert "offline_access" in platform_env.oidc.tokens[-1].scope.split()
