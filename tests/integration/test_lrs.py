"""The sandbox's statements endpoints over real HTTP, held to the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import requests

from companion import xapi
from tests.integration.test_openapi_contract import bearer, check, openapi  # noqa: F401


def made(n: int, learner: str = "u-1001") -> list[dict[str, Any]]:
    return [
        xapi.with_actor(
            xapi.statement("completed", f"https://p.example/a/{i}", "chapter", f"Chapitre {i}"),
            learner,
            "https://p.example",
        )
        for i in range(n)
    ]


XAPI = {"X-Experience-API-Version": "1.0.3"}
CAMILLE = {"objectType": "Agent", "account": {"homePage": "https://p.example", "name": "u-1001"}}


def test_batches_are_idempotent_and_read_back_page_by_page(sandbox, openapi):  # noqa: F811
    url = f"{sandbox.url}/v1/xapi/statements"
    headers = {**bearer(sandbox, "camille"), **XAPI}
    batch = made(5)
    first = check(openapi, requests.post(url, json=batch, headers=headers, timeout=10))
    assert first.status_code == 200 and first.json() == [s["id"] for s in batch]
    assert first.headers["X-Experience-API-Version"] == "1.0.3"
    again = check(openapi, requests.post(url, json=batch[:3], headers=headers, timeout=10))
    assert again.status_code == 204  # resending is harmless (every one was known)...
    more = made(1)
    mixed = check(openapi, requests.post(url, json=batch[:2] + more, headers=headers, timeout=10))
    assert mixed.json() == [more[0]["id"]]  # ...and only the new one is named, as Ralph does
    assert sandbox.statements.count() == 6  # nothing stored twice
    query = {"agent": json.dumps(CAMILLE), "limit": "4", "ascending": "true"}
    page = check(openapi, requests.get(url, params=query, headers=headers, timeout=10))
    assert page.headers["X-Experience-API-Consistent-Through"]
    assert len(page.json()["statements"]) == 4 and page.json()["more"].startswith("/v1/xapi/")
    rest = requests.get(sandbox.url + page.json()["more"], headers=headers, timeout=10).json()
    ids = [s["id"] for s in page.json()["statements"] + rest["statements"]]
    assert ids == [s["id"] for s in batch + more] and rest["more"] == ""
    since = page.json()["statements"][-1]["stored"]
    after = requests.get(url, params={"since": since}, headers=headers, timeout=10).json()
    assert [s["id"] for s in after["statements"]] == ids[4:]


def test_a_request_without_the_xapi_version_is_refused(sandbox, openapi):  # noqa: F811
    url = f"{sandbox.url}/v1/xapi/statements"
    headers = bearer(sandbox, "camille")
    refused = requests.post(url, json=made(1), headers=headers, timeout=10)
    assert refused.status_code == 400 and "X-Experience-API-Version" in refused.json()["detail"]
    assert requests.get(url, headers=headers, timeout=10).status_code == 400
    assert sandbox.statements.count() == 0


def test_one_bad_statement_refuses_the_batch(sandbox, openapi):  # noqa: F811
    url = f"{sandbox.url}/v1/xapi/statements"
    batch = made(3)
    batch[1]["object"]["id"] = "not an iri"
    headers = {**bearer(sandbox, "camille"), **XAPI}
    refused = check(openapi, requests.post(url, json=batch, headers=headers, timeout=10))
    assert refused.status_code == 400
    assert refused.json()["invalid"] == [{"index": 1, "reason": "object.id must be an IRI"}]
    assert sandbox.statements.count() == 0


def test_statements_for_someone_else_or_changed_ones_are_refused(sandbox, openapi):  # noqa: F811
    url = f"{sandbox.url}/v1/xapi/statements"
    headers = {**bearer(sandbox, "camille"), **XAPI}
    other = check(openapi, requests.post(url, json=made(1, "u-1002"), headers=headers, timeout=10))
    assert other.status_code == 400
    statement = made(1)[0]
    requests.post(url, json=statement, headers=headers, timeout=10)
    statement["verb"]["id"] = xapi.ADL + "failed"
    assert (
        check(openapi, requests.post(url, json=statement, headers=headers, timeout=10)).status_code
        == 409
    )


def test_each_learner_reads_only_their_own(sandbox):
    url = f"{sandbox.url}/v1/xapi/statements"
    requests.post(url, json=made(2), headers={**bearer(sandbox, "camille"), **XAPI}, timeout=10)
    as_camille = {"agent": json.dumps(CAMILLE)}
    karim = requests.get(
        url, params=as_camille, headers={**bearer(sandbox, "karim"), **XAPI}, timeout=10
    )
    assert karim.json()["statements"] == []  # asking for Camille's gives Karim nothing
