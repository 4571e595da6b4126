"""The HTTP client against the real sandbox, with each kind of injected fault."""

from __future__ import annotations

import time

import pytest

from companion.sync.client import (
    HttpClient,
    MalformedResponse,
    NetworkConfig,
    PlatformError,
    PlatformUnreachable,
)
from companion.sync.platform_v1 import PlatformV1
from tests.conftest import unused_port


def platform(url: str, **overrides) -> PlatformV1:
    config = NetworkConfig(
        base_url=url, retries=2, backoff_factor=0.05, timeout_seconds=5, **overrides
    )
    return PlatformV1(HttpClient(config))


def test_catalog_and_manifest_round_trip(sandbox):
    api = platform(sandbox.url)
    courses = api.catalog()
    assert {c.id for c in courses} >= {
        "premier-site-html-css",
        "debuter-python",
        "creer-son-entreprise",
        "securite-chantier",
    }
    first = api.manifest("securite-chantier")
    assert first.manifest is not None and first.etag
    unchanged = api.manifest("securite-chantier", etag=first.etag)
    assert unchanged.manifest is None and unchanged.etag == first.etag


def test_hostile_ids_never_reach_the_url(sandbox):
    with pytest.raises(ValueError):
        platform(sandbox.url).manifest("../assets/x")


@pytest.mark.parametrize("status", [503, 429])
def test_a_passing_overload_is_retried_honouring_retry_after(sandbox, status):
    sandbox.faults.set(status=status, retry_after=1, times=1, path_prefix="/v1/catalog")
    started = time.monotonic()
    assert platform(sandbox.url).catalog()
    assert sandbox.faults.injected == 1
    assert time.monotonic() - started >= 0.9  # it waited as the server asked


def test_a_lasting_outage_ends_in_a_clear_error_with_the_request_id(sandbox):
    sandbox.faults.set(status=503, retry_after=0, path_prefix="/v1/catalog")
    with pytest.raises(PlatformError) as caught:
        platform(sandbox.url).catalog()
    assert caught.value.status == 503
    assert caught.value.message == "The platform is having trouble right now."
    assert caught.value.request_id and caught.value.reference == caught.value.request_id
    assert sandbox.faults.injected == 3  # first try and two retries


def test_a_very_long_retry_after_is_reported_not_slept(sandbox):
    sandbox.faults.set(status=503, retry_after=3600, path_prefix="/v1/catalog")
    started = time.monotonic()
    with pytest.raises(PlatformError) as caught:
        platform(sandbox.url).catalog()
    assert time.monotonic() - started < 30
    assert caught.value.retry_after == 3600
    assert "60 min" in caught.value.hint


def test_malformed_json_is_a_clear_error(sandbox):
    sandbox.faults.set(malformed_json=True, path_prefix="/v1/catalog")
    with pytest.raises(MalformedResponse, match="cannot read"):
        platform(sandbox.url).catalog()


def test_a_connection_cut_mid_answer_is_reported_as_unreachable(sandbox):
    sandbox.faults.set(drop_after_bytes=200, path_prefix="/v1/courses/")
    with pytest.raises(PlatformUnreachable):
        platform(sandbox.url).manifest("securite-chantier")


def test_a_slow_server_times_out(sandbox):
    sandbox.faults.set(first_byte_delay_ms=2500, path_prefix="/v1/catalog")
    api = PlatformV1(HttpClient(NetworkConfig(base_url=sandbox.url, retries=0, timeout_seconds=1)))
    with pytest.raises(PlatformUnreachable):
        api.catalog()


def test_nobody_listening_is_unreachable():
    with pytest.raises(PlatformUnreachable, match="cannot be reached"):
        platform(f"http://127.0.0.1:{unused_port()}").catalog()


def test_latency_and_bandwidth_cap_slow_the_answer_down(sandbox, sample_content):
    audio = next(
        b["asset"]
        for c in sample_content.courses.values()
        for p in c.manifest["parts"]
        for ch in p["chapters"]
        for b in ch["blocks"]
        if b["type"] == "audio"
    )
    client = HttpClient(NetworkConfig(base_url=sandbox.url, retries=0))
    sandbox.faults.set(latency_ms=300, bandwidth_bps=100_000, path_prefix="/v1/assets")
    started = time.monotonic()
    data = client.request("GET", f"/v1/assets/{audio['sha256']}").content
    elapsed = time.monotonic() - started
    assert len(data) == audio["size"]
    # Lower bounds only: a busy machine can be slower, never faster than the cap allows.
    assert elapsed >= 0.3 + audio["size"] / 100_000 * 0.9


def test_faults_can_be_switched_over_http(sandbox):
    client = HttpClient(NetworkConfig(base_url=sandbox.url, retries=0))
    client.request("PUT", "/_sandbox/faults", json={"status": 503, "times": 1})
    with pytest.raises(PlatformError):
        PlatformV1(client).catalog()
    assert PlatformV1(client).catalog()
    refused = client.request("PUT", "/_sandbox/faults", json={"meteor": 1}, expect=(400,))
    assert "meteor" in refused.json()["detail"]
    client.request("DELETE", "/_sandbox/faults")
    assert not sandbox.faults.current().is_active()


def test_configured_certificate_authority_wins_over_the_environment(tmp_path, monkeypatch):
    """A centre's network.ca_bundle was ignored when REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE)
    was set, as on many managed machines: requests lets the environment win."""
    import certifi

    from tests.tls_helpers import untrusted_https_server

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    monkeypatch.setenv("CURL_CA_BUNDLE", certifi.where())
    with untrusted_https_server(tmp_path) as url:
        client = HttpClient(
            NetworkConfig(base_url=url, retries=0, ca_bundle=str(tmp_path / "cert.pem"))
        )
        try:
            assert client.request("GET", "/anything").status_code == 200
        finally:
            client.close()
        untrusting = HttpClient(NetworkConfig(base_url=url, retries=0))
        try:
            with pytest.raises(PlatformUnreachable, match="certificate"):
                untrusting.request("GET", "/anything")
        finally:
            untrusting.close()
