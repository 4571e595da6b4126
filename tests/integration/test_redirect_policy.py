"""One redirect policy for every request (issue 24, item 3), over real HTTP on loopback: a
request carrying the learner's data (a body, credentials, a token) never follows a redirect
to another origin; one carrying nothing personal (a course file) may go to a CDN; a loop is
said as a loop. Seen before: a statements POST answered 307 was re-posted to another site."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from companion.sync.client import HttpClient, NetworkConfig, PlatformError


class Server:
    def __init__(self, routes: dict[str, tuple[int, str]]) -> None:
        self.routes = routes  # path -> (status, Location or body)
        self.seen: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer.seen.append((self.command, self.path))
                status, value = outer.routes.get(self.path.split("?")[0], (404, "no"))
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = value.encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def elsewhere() -> Iterator[Server]:
    server = Server({"/statements": (200, "[]"), "/file": (200, "{}"), "/me": (200, "{}")})
    yield server
    server.close()


@pytest.fixture
def platform(elsewhere: Server) -> Iterator[Server]:
    server = Server(
        {
            "/statements": (307, f"{elsewhere.url}/statements"),
            "/file": (302, f"{elsewhere.url}/file"),
            "/me": (302, f"{elsewhere.url}/me"),
            "/moved": (301, "/here"),
            "/here": (200, '{"ok": true}'),
            "/loop": (302, "/loop"),
            "/scheme": (302, "file:///etc/passwd"),
        }
    )
    yield server
    server.close()


@pytest.fixture
def client(platform: Server) -> Iterator[HttpClient]:
    http = HttpClient(NetworkConfig(base_url=platform.url, proxy="none", retries=0))
    yield http
    http.close()


def test_progress_never_follows_a_redirect_to_another_site(client, elsewhere):
    with pytest.raises(PlatformError, match="elsewhere; Companion does not follow it"):
        client.request("POST", "/statements", json=[{"id": "x"}])
    assert elsewhere.seen == []  # the learner's statements never left


def test_credentials_never_follow_a_redirect_to_another_site(client, elsewhere):
    with pytest.raises(PlatformError):
        client.request("GET", "/me", headers={"Authorization": "Bearer secret"})
    with pytest.raises(PlatformError):
        client.request("GET", "/me?token=abc")  # a Moodle file, say
    assert elsewhere.seen == []


def test_a_course_file_may_come_from_a_cdn(client, elsewhere):
    assert client.request("GET", "/file").status_code == 200
    assert elsewhere.seen == [("GET", "/file")]


def test_a_same_site_redirect_is_followed(client):
    assert client.request("GET", "/moved").json() == {"ok": True}


def test_a_redirect_loop_is_said_as_a_loop(client, platform):
    with pytest.raises(PlatformError, match="round in circles"):
        client.request("GET", "/loop")
    assert len(platform.seen) <= 6  # bounded: 124 requests were seen before


def test_a_redirect_to_a_local_file_is_refused(client):
    with pytest.raises(PlatformError):
        client.request("GET", "/scheme")


def test_a_sync_caught_in_a_redirect_loop_says_so_and_is_not_offline(tmp_path):
    """Seen before: 124 requests, then "the platform cannot be reached" (Hors ligne)."""
    from companion.services.progress import ProgressService
    from companion.sync.engine import SyncEngine, Target
    from companion.sync.platform_v1 import PlatformV1
    from companion.sync_status import Phase
    from tests.integration.test_sync_engine import Recorder
    from tests.sync_helpers import HOME, StaticToken, complete_chapters

    loop = Server({})
    loop.routes.update({path: (302, path) for path in ("/v1/xapi/statements", "/v1/me")})
    client = HttpClient(NetworkConfig(base_url=loop.url, proxy="none", retries=0))
    progress, recorder = ProgressService(tmp_path), Recorder()
    api = PlatformV1(client, StaticToken("t"))
    engine = SyncEngine(progress, lambda: Target(api, "u-1001", HOME), recorder)
    try:
        complete_chapters(progress, 2)
        engine.start()
        status = recorder.wait_for(lambda s: s.phase not in (Phase.IDLE, Phase.SYNCING))
        assert status.phase is Phase.FAILING
        assert "round in circles" in status.message
        assert status.pending == 2
        assert len(loop.seen) <= 6
    finally:
        engine.stop(flush_seconds=0)
        progress.close()
        client.close()
        loop.close()


ENDPOINTS = {
    "me": lambda api: api.me(),
    "statements-post": lambda api: api.post_statements([{"id": "s-1"}]),
    "statements-get": lambda api: next(iter(api.statements().query({}, "", 10))),
    "certificates": lambda api: api.certificates(),
    "certificate-credential": lambda api: api.certificate_credential("c-1"),
    "certificate-pdf": lambda api: api.certificate_pdf("c-1"),
    "enrollments": lambda api: api.enrollments(),
    "enroll": lambda api: api.enroll("course-1"),
    "activate": lambda api: api.activate_entitlement("1234567A"),
}


@pytest.mark.parametrize("call", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_no_endpoint_of_the_platform_follows_a_redirect_elsewhere(elsewhere, call):
    """Issue 24, item 3, endpoint by endpoint: everything the platform is asked with the
    learner's token is answered 307 to another origin; that origin never hears of it."""
    from companion.sync.platform_v1 import PlatformV1
    from tests.sync_helpers import StaticToken

    everywhere = Server({})
    everywhere.routes = _Redirecting(elsewhere.url)
    client = HttpClient(NetworkConfig(base_url=everywhere.url, proxy="none", retries=0))
    try:
        with pytest.raises(PlatformError):
            call(PlatformV1(client, StaticToken("token-of-the-learner")))
        assert everywhere.seen and elsewhere.seen == []
    finally:
        client.close()
        everywhere.close()


class _Redirecting(dict[str, tuple[int, str]]):
    """Every path: 307 to the same path on another origin."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    def get(self, path: str, default: object = None) -> tuple[int, str]:
        return 307, f"{self.target}{path}"


def test_a_moodle_sites_web_services_never_follow_a_redirect_elsewhere(elsewhere):
    """The sign-in (password), the web-service calls (token, progress) and the files
    (token in the address) of a training centre's Moodle: none goes to another site."""
    from companion.sync.moodle_ws import MoodleClient, token_for

    moodle = Server(
        {
            "/login/token.php": (307, f"{elsewhere.url}/statements"),
            "/webservice/rest/server.php": (307, f"{elsewhere.url}/statements"),
            "/webservice/pluginfile.php/1/f.pdf": (302, f"{elsewhere.url}/file"),
        }
    )
    http = HttpClient(NetworkConfig(base_url=moodle.url, proxy="none", retries=0))
    try:
        with pytest.raises(Exception):  # noqa: B017 - refused, whichever way it is said
            token_for(http, "elodie", "secret-password")
        with pytest.raises(Exception):  # noqa: B017
            MoodleClient(http, "abc123").call("mod_page_view_page", pageid=1)
        with pytest.raises(PlatformError):
            http.request("GET", "/webservice/pluginfile.php/1/f.pdf?token=abc123")
    finally:
        http.close()
        moodle.close()
    assert elsewhere.seen == []  # no password, token or progress reached the other site
