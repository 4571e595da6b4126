import pytest

from companion.auth.discovery import parse_discovery as _parse_discovery
from companion.auth.errors import SignInError

ISSUER = "https://id.example.org"
MINIMAL = {  # only what OpenID Connect Discovery requires
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "jwks_uri": f"{ISSUER}/jwks",
    "response_types_supported": ["code"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
}


def test_optional_endpoints_may_be_missing():
    provider = _parse_discovery(dict(MINIMAL), ISSUER)
    assert provider.device_authorization_endpoint is None
    assert provider.revocation_endpoint is None


def test_a_document_for_another_issuer_is_refused():
    with pytest.raises(SignInError, match="does not match"):
        _parse_discovery({**MINIMAL, "issuer": "https://evil.example.org"}, ISSUER)


@pytest.mark.parametrize(
    "change",
    [
        {"token_endpoint": "http://id.example.org/token"},  # plain HTTP off loopback
        {"jwks_uri": None},
    ],
)
def test_unsafe_or_incomplete_documents_are_refused(change):
    document = {k: v for k, v in {**MINIMAL, **change}.items() if v is not None}
    with pytest.raises(SignInError):
        _parse_discovery(document, ISSUER)


@pytest.mark.parametrize(
    "change",
    [
        {"revocation_endpoint": "http://other.example.org/revoke"},  # plain http, another host
        {"revocation_endpoint": "https://other.example.org/revoke"},  # another host
        {"device_authorization_endpoint": "https://other.example.org/device"},
        {"userinfo_endpoint": "https://other.example.org/userinfo"},
        {"token_endpoint": "https://id.example.org:8443/token"},  # another port is another origin
        {"end_session_endpoint": "http://id.example.org/logout"},  # every endpoint is https
        {"userinfo_endpoint": "http://id.example.org/userinfo"},
    ],
)
def test_endpoints_receiving_tokens_stay_on_the_issuers_origin_over_https(change):
    with pytest.raises(SignInError, match="cannot trust"):
        _parse_discovery({**MINIMAL, **change}, ISSUER)


def test_an_explicitly_allowed_origin_may_receive_tokens():
    document = {**MINIMAL, "token_endpoint": "https://tokens.example.org/token"}
    provider = _parse_discovery(document, ISSUER, ["https://tokens.example.org"])
    assert provider.token_endpoint == "https://tokens.example.org/token"


def test_keys_may_come_from_another_https_host():
    document = {**MINIMAL, "jwks_uri": "https://keys.example.net/jwks"}  # a CDN: no secret sent
    assert _parse_discovery(document, ISSUER).jwks_uri == "https://keys.example.net/jwks"


def test_the_issuer_is_kept_exactly_and_rfc_9207_support_is_read():
    document: dict[str, object] = {**MINIMAL, "issuer": ISSUER + "/"}
    document["authorization_response_iss_parameter_supported"] = True
    provider = _parse_discovery(document, ISSUER)
    assert provider.issuer == ISSUER + "/"  # as ID tokens and `iss` will carry it
    assert provider.iss_parameter_supported
