"""The doctor and a proxy (issue 24, item 5): a proxy's password is redacted in every form
of the report (text, JSON, the support bundle: one redaction path), and a proxy at fault is
named, not the platform. Before: ``companion doctor --json`` printed the password
(``facts.proxy_setting``), and a proxy that did not resolve or refused was reported as the
platform's name not found, or the platform refusing."""

from __future__ import annotations

import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from companion.cli import main
from tests.conftest import unused_port
from tests.integration.test_doctor import doctor, finding, problems

PASSWORD = "S3cretPr0xy"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")


def through(monkeypatch, proxy: str) -> None:
    monkeypatch.setenv("COMPANION_NETWORK_PROXY", proxy)


def test_a_proxy_password_is_in_no_form_of_the_report(platform_env, monkeypatch, capsys, tmp_path):
    through(monkeypatch, f"http://alice:{PASSWORD}@127.0.0.1:{unused_port()}")
    _code, report = doctor(capsys)
    as_json = json.dumps(report)
    assert "alice:[redacted]@" in finding(report, "platform.address")["facts"]["proxy_setting"]
    main(["doctor"])
    as_text = capsys.readouterr().out
    out = tmp_path / "bundle"
    assert main(["support-bundle", "--output", str(out)]) == 0
    capsys.readouterr()
    (bundle,) = out.glob("*.zip")
    with zipfile.ZipFile(bundle) as zip_:
        contents = {name: zip_.read(name).decode("utf-8") for name in zip_.namelist()}
    assert "doctor.json" in contents and "doctor.txt" in contents
    for where, text in {"json": as_json, "text": as_text, **contents}.items():
        assert PASSWORD not in text, where


def test_a_proxy_whose_name_is_unknown_is_named(platform_env, monkeypatch, capsys):
    through(monkeypatch, f"http://alice:{PASSWORD}@proxy.invalid:3128")
    code, report = doctor(capsys)
    assert code == 1 and problems(report) == ["platform.dns"]
    dns = finding(report, "platform.dns")
    assert dns["summary"] == "The proxy's name proxy.invalid cannot be found (DNS)."
    assert "network.proxy" in dns["hint"]


def test_a_proxy_that_refuses_is_named(platform_env, monkeypatch, capsys):
    port = unused_port()
    through(monkeypatch, f"http://127.0.0.1:{port}")
    code, report = doctor(capsys)
    assert code == 1 and problems(report) == ["platform.tcp"]
    assert finding(report, "platform.tcp")["summary"] == (
        "The proxy 127.0.0.1 refused the connection."
    )


@pytest.fixture
def demanding_proxy() -> Iterator[str]:
    """A proxy that wants a sign-in for everything (HTTP 407)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(407)
            self.send_header("Proxy-Authenticate", 'Basic realm="centre"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_proxy_asking_for_a_sign_in_is_named(platform_env, monkeypatch, capsys, demanding_proxy):
    through(monkeypatch, demanding_proxy)
    code, report = doctor(capsys)
    assert code == 1 and problems(report) == ["platform.http"]
    http = finding(report, "platform.http")
    assert http["summary"] == "The proxy 127.0.0.1 asks for a sign-in (HTTP 407)."
    assert "network.proxy" in http["hint"]
