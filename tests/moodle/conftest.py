"""Every module here gets a real Moodle 5.1 site of its own (tests/moodle_site.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from companion.app.context import AppContext
from companion.sync.client import HttpClient, NetworkConfig
from tests.moodle_site import MoodleSite, start_site, stop_site

# A site restored from the snapshot takes about 8 s; a machine's first snapshot about 90 s
# more (scripts/run-tests makes it before the tests, outside any test's time).
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def moodle(request: pytest.FixtureRequest) -> Iterator[MoodleSite]:
    site = start_site(request.module.__name__.rsplit(".", 1)[-1])
    try:
        yield site
    finally:
        stop_site(site.base)


@pytest.fixture
def moodle_http(moodle: MoodleSite) -> Iterator[HttpClient]:
    """The app's own HTTP client, trusting the site's self-signed certificate explicitly."""
    client = HttpClient(
        NetworkConfig(base_url=moodle.url, proxy="none", ca_bundle=str(moodle.certificate))
    )
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def app(moodle: MoodleSite, platform_env, memory_keyring, monkeypatch) -> Iterator[AppContext]:
    """The app's services beside the demo platform, on a computer that trusts the centre's
    certificate authority (as its policy would say), in English."""
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(moodle.certificate))
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")
    created = AppContext.create()
    yield created
    created.close()
