"""Every module here gets a real Moodle 5.1 site of its own (tests/moodle_site.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
