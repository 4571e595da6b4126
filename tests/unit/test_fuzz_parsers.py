"""Property-based fuzzing of what reads platform and administrator input (issue 12).

Each parser, given anything, either returns its typed value or raises its own error: never
a KeyError, TypeError, RecursionError or anything else a hostile answer could turn into a
crash. Inputs are random JSON trees, and real documents (a sample course's manifest, a
learner's profile, a statement, a policy) with one part replaced by random JSON, which
reaches far deeper than random trees alone.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from companion import xapi
from companion.domain import ContractError, parse_account, parse_catalog, parse_manifest
from companion.settings import PolicyError, read_policy

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=40,
)


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with one value somewhere inside replaced by random JSON."""
    copy = json.loads(json.dumps(document))
    paths = list(_paths(copy))
    if not paths:
        return draw(json_values)
    path = draw(st.sampled_from(paths))
    replacement = draw(json_values)
    if not path:
        return replacement
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    return copy


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Any:
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


@pytest.fixture(scope="module")
def manifest(sample_content) -> dict[str, Any]:
    course = sample_content.courses["securite-chantier"]
    return dict(json.loads(json.dumps(course.manifest)))


@pytest.fixture(scope="module")
def catalogue(sample_content) -> dict[str, Any]:
    return {"courses": [c.catalog_entry for c in sample_content.courses.values()]}


FIXTURES_TOO = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FIXTURES_TOO
@given(data=st.data())
def test_manifest_parser_returns_a_course_or_a_contract_error(manifest, data):
    document = data.draw(st.one_of(json_values, mutated(manifest)))
    with contextlib.suppress(ContractError):
        parse_manifest(document)


@FIXTURES_TOO
@given(data=st.data())
def test_catalogue_parser_returns_entries_or_a_contract_error(catalogue, data):
    document = data.draw(st.one_of(json_values, mutated(catalogue)))
    with contextlib.suppress(ContractError):
        parse_catalog(document)


ACCOUNT = {
    "id": "u-1001",
    "name": "Camille Martin",
    "email": "camille@example.org",
    "entitlements": [
        {
            "id": "e",
            "programme": "p",
            "status": "active",
            "starts_on": "2026-01-01",
            "ends_on": "2027-01-01",
            "activated_at": None,
        }
    ],
    "xapi_endpoint": "https://lrs.example/xAPI/",
}


@FUZZ
@given(st.one_of(json_values, mutated(ACCOUNT)))
def test_profile_parser_returns_an_account_or_a_contract_error(document):
    with contextlib.suppress(ContractError):
        parse_account(document)


STATEMENT = xapi.with_actor(
    xapi.statement(
        "experienced",
        "https://p.example/a/1",
        "chapter",
        "Étude",
        result={"duration": "PT5M0S"},
    ),
    "u-1001",
    "https://p.example",
)


@FUZZ
@given(mutated(STATEMENT))
def test_what_is_read_from_a_pulled_statement_never_raises(statement):
    if isinstance(statement, dict):
        xapi.course_of(statement)
        xapi.duration_seconds(
            (statement.get("result") or {}).get("duration")
            if isinstance(statement.get("result"), dict)
            else None
        )


POLICY_KEYS = [
    "kiosk.enabled",
    "kiosk.idle_minutes",
    "storage.budget_mb",
    "network.proxy",
    "ui.language",
]
toml_values = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(max_size=20),
    st.floats(allow_nan=False),
)


@st.composite
def policies(draw: st.DrawFn) -> str:
    """A policy file: mostly well-formed TOML with any values, sometimes any text."""
    if draw(st.booleans()):
        return draw(st.text(max_size=200))
    lines = []
    for key in draw(st.lists(st.sampled_from([*POLICY_KEYS, "unknown.key"]), max_size=5)):
        value = draw(toml_values)
        lines.append(
            f"{key} = {json.dumps(value) if not isinstance(value, bool) else str(value).lower()}"
        )
    return "\n".join(lines)


@FIXTURES_TOO
@given(policies())
def test_policy_reader_returns_settings_or_refuses_with_a_policy_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("policy") / "policy.toml"
    path.write_text(text, encoding="utf-8")
    try:
        read_policy(path)
    except PolicyError as error:
        assert str(path) in error.message  # an administrator is told which file


# --- the HTML a course shows ------------------------------------------------------------

hostile_fragments = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg onload="alert(1)"><script>1</script></svg>',
        "<style>body{background:url(https://evil.example/t.png)}</style>",
        '<div style="background:url(https://evil.example)">x</div>',
        '<form action="https://evil.example"><input name=p></form>',
        '<object data="x.swf"></object><embed src="x">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<link rel="stylesheet" href="https://evil.example/s.css">',
        '<a href="https://ok.example" onclick="steal()">ok</a>',
        "<p>ok</p>",
        "<<script>script>alert(1)<</script>/script>",
        '<img src="https://tracker.example/pixel.gif">',
    ]
)


@FUZZ
@given(st.lists(st.one_of(hostile_fragments, st.text(max_size=20)), max_size=8).map("".join))
def test_sanitised_course_html_has_no_script_handler_or_remote_load(fragment):
    from companion.services.chapter_text import sanitise

    clean = sanitise(fragment).lower()
    assert "<script" not in clean and "<iframe" not in clean and "<object" not in clean
    assert "<embed" not in clean and "<form" not in clean and "<meta" not in clean
    assert "<style" not in clean and "<link" not in clean and "style=" not in clean
    assert not re.search(r"\son[a-z]+\s*=", clean)
    assert "javascript:" not in clean and "data:" not in clean
    assert not re.search(r"<img[^>]+src=", clean)  # no remote image: no tracking pixel
    assert sanitise(sanitise(fragment)) == sanitise(fragment)  # stable


# --- certificates: any claims, validly signed ----------------------------------------------


@pytest.fixture(scope="module")
def signer():
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    jwks = {"keys": [key.as_dict(private=False)]}

    def sign(claims: Any) -> str:
        return str(jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key))

    return sign, jwks


certificate_claims = st.one_of(
    mutated(
        {
            "iss": "https://p.example",
            "sub": "u-1001",
            "nbf": 1_700_000_000,
            "exp": 2_000_000_000,
            "vc": {
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": "https://p.example"},
                "credentialSubject": {"achievement": {"name": "Sécurité"}},
            },
        }
    ),
    st.dictionaries(st.text(max_size=5), json_values, max_size=4),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(claims=certificate_claims)
@example(claims={"vc": {"type": True}})  # raised TypeError, found by this test
@example(claims={"vc": {"type": "xOpenBadgeCredentialx"}})  # once taken as a list of types
def test_any_signed_certificate_gets_a_verdict_never_an_exception(signer, claims):
    from companion.services.certificates import Verdict, verify

    sign, jwks = signer
    if not isinstance(claims, dict):
        return  # a JWT's claims are an object: nothing else can be signed as one
    try:
        credential = sign(claims)
    except (TypeError, ValueError, AttributeError):
        return  # not even encodable as a JWT: nothing a platform could send
    verdict, _claims = verify(credential, jwks, issuer="https://p.example", learner_id="u-1001")
    assert isinstance(verdict, Verdict)


@pytest.mark.parametrize("kinds", [True, 7, "xOpenBadgeCredentialx", {"OpenBadgeCredential": 1}])
def test_a_credential_type_that_is_no_list_of_names_is_refused(signer, kinds):
    from companion.services.certificates import Verdict, verify

    sign, jwks = signer
    claims = {
        "iss": "https://p.example",
        "sub": "u-1001",
        "vc": {"type": kinds, "issuer": {"id": "https://p.example"}},
    }
    verdict, _ = verify(sign(claims), jwks, issuer="https://p.example", learner_id="u-1001")
    assert verdict is Verdict.TAMPERED


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_a_credential_gets_a_verdict(text):
    from companion.services.certificates import Verdict, verify

    jwks = {"keys": [{"kty": "oct", "k": "AAAAAAAAAAAAAAAAAAAAAA", "kid": "x"}]}
    verdict, _ = verify(text, jwks, issuer="https://p.example", learner_id="u-1001")
    assert isinstance(verdict, Verdict)
