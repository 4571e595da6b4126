import pytest

from companion.auth.errors import SignInError
from companion.auth.oidc import _parse_discovery

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
