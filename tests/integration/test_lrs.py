"""The sandbox's statements endpoints over real HTTP, held to the OpenAPI document."""

from __future__ import annotations

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


def test_batches_are_idempotent_and_read_back_by_cursor(sandbox, openapi):  # noqa: F811
    url = f"{sandbox.url}/v1/xapi/statements"
    headers = bearer(sandbox, "camille")
    batch = made(5)
    first = check(openapi, requests.post(url, json=batch, headers=headers, timeout=10))
    assert first.status_code == 200 and first.json() == [s["id"] for s in batch]
    again = check(openapi, requests.post(url, json=batch[:3], headers=headers, timeout=10))
    assert again.status_code == 200  # resending is harmless...
    assert sandbox.statements.count() == 5  # ...and stores nothing twice
    page = check(
        openapi, requests.get(url, params={"limit": 2}, headers=headers, timeout=10)
    ).json()
    assert len(page["statements"]) == 2 and page["more"]
    rest = requests.get(url, params={"since": page["cursor"]}, headers=headers, timeout=10).json()
    ids = [s["id"] for s in page["statements"] + rest["statements"]]
    assert ids == [s["id"] for s in batch] and not rest["more"]


def test_one_bad_statement_refuses_the_batch(sandbox, openapi):  # noqa: F811
    url = f"{sandbox.url}/v1/xapi/statements"
    batch = made(3)
    batch[1]["object"]["id"] = "not an iri"
    refused = check(
        openapi, requests.post(url, json=batch, headers=bearer(sandbox, "camille"), timeout=10)
    )
    assert refused.status_code == 400
    assert refused.json()["invalid"] == [{"index": 1, "reason": "object.id must be an IRI"}]
    assert sandbox.statements.count() == 0


def test_statements_for_someone_else_or_changed_ones_are_refused(sandbox, openapi):  # noqa: F811
    url = f"{sandbox.url}/v1/xapi/statements"
    headers = bearer(sandbox, "camille")
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
    requests.post(url, json=made(2), headers=bearer(sandbox, "camille"), timeout=10)
    karim = requests.get(url, headers=bearer(sandbox, "karim"), timeout=10).json()
    assert karim["statements"] == []
