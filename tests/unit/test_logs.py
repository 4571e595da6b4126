import logging

import pytest

from companion import logs

SECRETS = [  # (text logged, the secret inside it)
    ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123", "abcdefghijklmnopqrstuvwxyz0123"),
    ("refresh_token=rt-9f8e7d6c5b4a39281706", "rt-9f8e7d6c5b4a39281706"),
    ('{"access_token": "at-0123456789abcdef", "expires_in": 300}', "at-0123456789abcdef"),
    (
        "id token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLWJ5dGVz",
        "eyJzdWIiOiIxMjM0NSJ9",
    ),
    (
        "redirect http://127.0.0.1:5555/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz",
        "SplxlOBeZQQYbYS6WxSbIA",
    ),
    ("password = hunter2hunter2", "hunter2hunter2"),
]


@pytest.fixture
def log_setup(tmp_path):
    logs.setup(tmp_path, "DEBUG")
    yield tmp_path
    logs.setup(None, "INFO")


@pytest.mark.parametrize(("secret", "sensitive"), SECRETS)
def test_secrets_never_reach_the_file_or_the_ring_buffer(log_setup, secret, sensitive):
    log = logs.get("auth")
    log.info("request with %s", secret)
    try:
        raise RuntimeError(f"failed: {secret}")
    except RuntimeError:
        log.exception("with traceback")
    for handler in logging.getLogger("companion").handlers:
        handler.flush()
    written = (log_setup / "companion.log").read_text()
    buffered = "\n".join(logs.ring_buffer().lines())
    for text in (written, buffered):
        assert "request with" in text and "with traceback" in text
        assert sensitive not in text
        assert logs.REDACTED in text


def test_known_secrets_registered_at_run_time_are_redacted(log_setup):
    logs.REDACTOR.remember("opaque-token-without-a-pattern")
    try:
        logs.get("sync").warning("sending opaque-token-without-a-pattern now")
        assert "opaque-token-without-a-pattern" not in logs.ring_buffer().lines()[-1]
    finally:
        logs.REDACTOR.forget("opaque-token-without-a-pattern")


def test_ordinary_text_is_left_alone(log_setup):
    logs.get("store").info("downloaded 3 chapters of premier-site-html-css (status code 200)")
    assert (
        logs.ring_buffer()
        .lines()[-1]
        .endswith("downloaded 3 chapters of premier-site-html-css (status code 200)")
    )


def test_subsystem_loggers_are_named_and_checked():
    assert logs.get("sync").name == "companion.sync"
    with pytest.raises(ValueError):
        logs.get("nonsense")


def test_the_log_file_rotates(tmp_path):
    logs.setup(tmp_path, "INFO")
    try:
        chunk = "x" * 1000
        for _ in range(1200):
            logs.get("ui").info(chunk)
        assert (tmp_path / "companion.log.1").exists()
    finally:
        logs.setup(None, "INFO")
