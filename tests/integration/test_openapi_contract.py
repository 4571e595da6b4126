"""The sandbox holds to resources/openapi.yaml: every route documented, every answer valid."""

from __future__ import annotations

import json

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from companion.resources import resource
from tests.sync_helpers import completing_statements

SPEC_PATH = resource("openapi.yaml")


@pytest.fixture(scope="module")
def openapi() -> OpenAPI:
    config = Config(
        extra_media_type_deserializers={
            "application/problem+json": json.loads,
            "application/vc+jwt": lambda data: data.decode("ascii"),
        }
    )
    return OpenAPI.from_file_path(str(SPEC_PATH), config=config)


def test_the_document_is_valid_openapi():
    document, _ = read_from_filename(str(SPEC_PATH))
    validate(document)


def test_every_route_is_documented_and_every_documented_path_exists(sandbox, openapi):
    document, _ = read_from_filename(str(SPEC_PATH))
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "delete", "patch")
    }
    served = set()
    for rule in sandbox.app.url_map.iter_rules():
        if rule.rule.startswith(("/_sandbox", "/static")):
            continue  # test controls and Flask's own static route are not the platform API
        path = rule.rule.replace("<", "{").replace(">", "}")
        served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def check(openapi: OpenAPI, response: requests.Response) -> requests.Response:
    openapi.validate_response(
        RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response)
    )
    assert response.headers["X-Request-Id"]
    return response


def bearer(sandbox, login: str) -> dict[str, str]:
    token = sandbox.oidc.issue_token_for(sandbox.learners.records[login])
    return {"Authorization": f"Bearer {token}"}


def first_asset(sample_content, kind="audio"):
    for course in sample_content.courses.values():
        for part in course.manifest["parts"]:
            for chapter in part["chapters"]:
                for block in chapter["blocks"]:
                    if block["type"] == kind:
                        return block["asset"]
    raise AssertionError(kind)


def test_catalog_and_its_etag(sandbox, openapi):
    first = check(openapi, requests.get(f"{sandbox.url}/v1/catalog", timeout=10))
    assert first.status_code == 200 and len(first.json()["courses"]) >= 4
    again = requests.get(
        f"{sandbox.url}/v1/catalog", timeout=10, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert check(openapi, again).status_code == 304 and again.content == b""


def test_manifest_etag_and_not_found(sandbox, openapi):
    url = f"{sandbox.url}/v1/courses/securite-chantier/manifest"
    first = check(openapi, requests.get(url, timeout=10))
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = requests.get(url, timeout=10, headers={"If-None-Match": first.headers["ETag"]})
    assert check(openapi, again).status_code == 304
    missing = check(openapi, requests.get(f"{sandbox.url}/v1/courses/nope/manifest", timeout=10))
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json()["request_id"] == missing.headers["X-Request-Id"]


def test_assets_are_immutable_and_support_ranges(sandbox, sample_content, openapi):
    asset = first_asset(sample_content)
    url = f"{sandbox.url}/v1/assets/{asset['sha256']}"
    whole = check(openapi, requests.get(url, timeout=10))
    assert whole.status_code == 200 and len(whole.content) == asset["size"]
    assert whole.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert whole.headers["Content-Type"] == asset["media_type"]
    part = check(openapi, requests.get(url, timeout=10, headers={"Range": "bytes=1000-1999"}))
    assert part.status_code == 206 and part.content == whole.content[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{asset['size']}"
    resumed = requests.get(
        url, timeout=10, headers={"Range": "bytes=5000-", "If-Range": whole.headers["ETag"]}
    )
    assert resumed.status_code == 206 and resumed.content == whole.content[5000:]
    stale = requests.get(
        url, timeout=10, headers={"Range": "bytes=5000-", "If-Range": '"another-version"'}
    )
    assert stale.status_code == 200 and stale.content == whole.content
    beyond = requests.get(url, timeout=10, headers={"Range": f"bytes={asset['size'] + 10}-"})
    assert check(openapi, beyond).status_code == 416
    unknown = requests.get(f"{sandbox.url}/v1/assets/{'0' * 64}", timeout=10)
    assert check(openapi, unknown).status_code == 404


@pytest.mark.parametrize(
    ("login", "status"), [("camille", "active"), ("karim", "pending"), ("lea", "expired")]
)
def test_me_shows_entitlements(sandbox, openapi, login, status):
    response = check(
        openapi,
        requests.get(f"{sandbox.url}/v1/me", timeout=10, headers=bearer(sandbox, login)),
    )
    assert response.json()["entitlements"][0]["status"] == status


def test_me_requires_a_token(sandbox, openapi):
    response = check(openapi, requests.get(f"{sandbox.url}/v1/me", timeout=10))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_enrolment_is_idempotent(sandbox, openapi):
    headers = bearer(sandbox, "karim")
    url = f"{sandbox.url}/v1/me/enrollments"
    created = requests.post(
        url, json={"course_id": "creer-son-entreprise"}, headers=headers, timeout=10
    )
    repeated = requests.post(
        url, json={"course_id": "creer-son-entreprise"}, headers=headers, timeout=10
    )
    assert {check(openapi, created).status_code, check(openapi, repeated).status_code} == {200, 201}
    listed = check(openapi, requests.get(url, headers=headers, timeout=10)).json()
    assert {"course_id": "creer-son-entreprise"} in listed["enrollments"]
    bad = requests.post(url, data="not json", headers=headers, timeout=10)
    assert check(openapi, bad).status_code == 400
    unknown = requests.post(url, json={"course_id": "nope"}, headers=headers, timeout=10)
    assert check(openapi, unknown).status_code == 404


@pytest.mark.parametrize("status", [429, 503])
def test_injected_overload_answers_follow_the_contract(sandbox, openapi, status):
    sandbox.faults.set(status=status, retry_after=3, times=1)
    response = check(openapi, requests.get(f"{sandbox.url}/v1/catalog", timeout=10))
    assert response.status_code == status and response.headers["Retry-After"] == "3"
    assert response.json()["status"] == status


def test_request_ids_are_echoed_when_well_formed(sandbox):
    mine = requests.get(
        f"{sandbox.url}/v1/catalog", headers={"X-Request-Id": "abc-123"}, timeout=10
    )
    assert mine.headers["X-Request-Id"] == "abc-123"
    hostile = requests.get(
        f"{sandbox.url}/v1/catalog", headers={"X-Request-Id": "a b\tc"}, timeout=10
    )
    assert hostile.headers["X-Request-Id"] != "a b\tc"


def test_discovery_and_keys(sandbox, openapi):
    document = check(
        openapi, requests.get(f"{sandbox.url}/.well-known/openid-configuration", timeout=10)
    ).json()
    assert document["issuer"] == sandbox.url
    assert document["code_challenge_methods_supported"] == ["S256"]
    keys = check(openapi, requests.get(document["jwks_uri"], timeout=10)).json()["keys"]
    assert keys[0]["kty"] == "RSA" and "d" not in keys[0]  # public part only


def test_token_errors_and_device_codes_follow_the_contract(sandbox, openapi):
    refused = requests.post(
        f"{sandbox.url}/oauth/token",
        timeout=10,
        data={
            "grant_type": "refresh_token",
            "refresh_token": "nope",
            "client_id": "companion-desktop",
        },
    )
    assert check(openapi, refused).status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    codes = requests.post(
        f"{sandbox.url}/oauth/device_authorization",
        timeout=10,
        data={"client_id": "companion-desktop", "scope": "openid"},
    )
    assert check(openapi, codes).json()["verification_uri"] == f"{sandbox.url}/device"


def test_activation_answers_follow_the_contract(sandbox, openapi):
    url = f"{sandbox.url}/v1/me/entitlements/activate"
    wrong = requests.post(
        url, json={"job_seeker_id": "7654321Z"}, headers=bearer(sandbox, "lea"), timeout=10
    )
    assert check(openapi, wrong).status_code == 422
    nothing_pending = requests.post(
        url, json={"job_seeker_id": "2345678C"}, headers=bearer(sandbox, "camille"), timeout=10
    )
    assert check(openapi, nothing_pending).status_code == 409


def test_a_completed_course_earns_a_certificate_in_both_forms(sandbox, openapi, sample_content):
    headers = {**bearer(sandbox, "camille"), "X-Experience-API-Version": "1.0.3"}
    course = sample_content.courses["securite-chantier"]
    statements = completing_statements(course.manifest)
    sent = requests.post(sandbox.url + "/v1/xapi/statements", json=statements[:-1], headers=headers)
    check(openapi, sent)
    listed = check(openapi, requests.get(sandbox.url + "/v1/me/certificates", headers=headers))
    assert listed.json() == {"certificates": []}  # one requirement still missing
    requests.post(sandbox.url + "/v1/xapi/statements", json=statements, headers=headers)
    listed = check(openapi, requests.get(sandbox.url + "/v1/me/certificates", headers=headers))
    [summary] = listed.json()["certificates"]
    assert summary["course_id"] == "securite-chantier"
    url = f"{sandbox.url}/v1/me/certificates/{summary['id']}"
    credential = check(openapi, requests.get(url, headers=headers))
    assert credential.text.count(".") == 2
    pdf = check(openapi, requests.get(url + ".pdf", headers=headers))
    assert pdf.content.startswith(b"%PDF")
    other = bearer(sandbox, "karim")  # another learner cannot fetch it
    assert check(openapi, requests.get(url, headers=other)).status_code == 404
