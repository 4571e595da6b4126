import time
import warnings

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OKPKey, RSAKey

from companion.auth.errors import ClockSkewError, SignInError
from companion.auth.id_token import validate_id_token

ISSUER, CLIENT = "https://id.example.org", "companion-desktop"
KEY = RSAKey.generate_key(2048, {"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, {"kid": "k1"})
JWKS = KeySet([KEY]).as_dict(private=False)


def make(key=KEY, **changes):
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "u-1",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def check(token, now=None, server_time=None):
    return validate_id_token(
        token, JWKS, issuer=ISSUER, client_id=CLIENT, nonce="n-1", now=now, server_time=server_time
    )


def test_a_good_token_passes():
    assert check(make())["sub"] == "u-1"


def test_a_little_clock_difference_is_tolerated():
    assert check(make(iat=int(time.time()) + 60))["sub"] == "u-1"


@pytest.mark.parametrize(
    "token",
    [
        make(key=OTHER_KEY),  # signed by someone else
        make(iss="https://evil.example.org"),  # another issuer
        make(aud="another-app"),  # meant for another client
        make(nonce="replayed"),  # not this sign-in
        make(exp=int(time.time()) - 3600),  # expired
        make(sub=None),  # no subject
        make(aud=[CLIENT, "other"]),  # several audiences, no azp
    ],
)
def test_bad_tokens_are_refused(token):
    with pytest.raises(SignInError, match="could not be verified"):
        check(token)


def test_a_tampered_payload_is_refused():
    header, payload, signature = make().split(".")
    forged = make(sub="u-2").split(".")[1]
    with pytest.raises(SignInError):
        check(f"{header}.{forged}.{signature}")
    assert payload != forged


def test_a_wrong_local_clock_is_named_as_such():
    real_now = time.time()
    with pytest.raises(ClockSkewError, match="clock is off by about 120 minutes"):
        check(make(), now=real_now + 7200, server_time=real_now)


@pytest.mark.parametrize(
    ("alg", "key"),
    [
        ("ES256", ECKey.generate_key("P-256", {"kid": "e1"})),
        ("EdDSA", OKPKey.generate_key("Ed25519", {"kid": "o1"})),
    ],
)
def test_ec_and_eddsa_tokens_verify_against_the_jwks(alg, key):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "u-1", "iat": now, "exp": now + 300}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc notes RFC 9864's new name for EdDSA
        token = jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])
    jwks = KeySet([KEY, key]).as_dict(private=False)
    verified = validate_id_token(token, jwks, issuer=ISSUER, client_id=CLIENT, nonce=None)
    assert verified["sub"] == "u-1"


def test_the_nonce_is_checked_whenever_one_was_sent():
    with pytest.raises(SignInError):
        validate_id_token(make(nonce=None), JWKS, issuer=ISSUER, client_id=CLIENT, nonce="n-1")
