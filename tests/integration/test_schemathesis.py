"""The sandbox against its own OpenAPI document, by Schemathesis (issue 12): thousands of
generated requests, valid and not, to every platform operation; each answer must be
documented (status, headers, content type, body schema) and none may be a server error.

Schemathesis runs from its own environment (.venv-schemathesis, made by setup.sh dev), as a
command, against a sandbox on loopback. A short time budget here; for a longer run:

    .venv-schemathesis/bin/schemathesis run resources/openapi.yaml --url URL --max-time 600 ...
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCHEMATHESIS = REPO / ".venv-schemathesis" / "bin" / "schemathesis"
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    )
)
# The sign-in pages are HTML forms for a browser, and the test controls are not the API.
EXCLUDED = "^/oauth/(authorize|login)|^/device|^/_sandbox"
SECONDS = 15


@pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="installed by scripts/setup.sh dev")
def test_every_answer_of_the_sandbox_follows_its_openapi_document(sandbox, tmp_path):
    token = sandbox.oidc.issue_token_for(sandbox.learners.records["camille"], sandbox.url)
    done = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            str(REPO / "resources" / "openapi.yaml"),
            "--url",
            sandbox.url,
            "--header",
            f"Authorization: Bearer {token}",
            "--header",
            "X-Experience-API-Version: 1.0.3",
            "--checks",
            CHECKS,
            "--phases",
            "coverage,fuzzing",
            "--max-time",
            str(SECONDS),
            "--workers",
            "1",
            "--exclude-path-regex",
            EXCLUDED,
            "--seed",
            "20261129",
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS * 4,
        cwd=tmp_path,  # its report folder stays out of the repository
    )
    summary = done.stdout[-4000:]
    assert done.returncode == 0, summary + done.stderr[-2000:]
    assert "passed" in summary
