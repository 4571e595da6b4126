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


def test_a_held_log_is_written_after_the_first_paint_in_order(log_setup):
    """Issue 14: the window's first paint does not wait for the log file (opening it
    imports logging.handlers); what was logged meanwhile is written afterwards, in order."""
    logs.hold()
    logs.get("services").info("start: Companion")
    logs.get("ui").warning("Qt: a warning")
    log_file = log_setup / "companion.log"
    assert not log_file.exists()  # not even opened yet
    logs.release()
    logs.get("ui").info("after the paint")
    lines = log_file.read_text().splitlines()
    assert [line.split(": ", 1)[-1] for line in lines] == [
        "start: Companion",
        "Qt: a warning",
        "after the paint",
    ]
    assert log_file.stat().st_mode & 0o777 == 0o600


def test_an_error_is_written_at_once_with_what_was_held(log_setup):
    logs.hold()
    logs.get("services").info("start: Companion")
    logs.get("services").error("not started: the profile is open elsewhere")
    text = (log_setup / "companion.log").read_text()
    assert text.index("start: Companion") < text.index("not started")


def test_nothing_held_is_lost_at_exit(log_setup):
    logs.hold()
    logs.get("services").info("start: Companion")
    logs.setup(None, "INFO")  # closes the handlers, as logging.shutdown does at exit
    assert "start: Companion" in (log_setup / "companion.log").read_text()


def test_a_held_log_keeps_secrets_out_too(log_setup):
    logs.hold()
    logs.get("auth").info("refresh_token=rt-9f8e7d6c5b4a39281706")
    logs.release()
    assert "rt-9f8e7d6c5b4a39281706" not in (log_setup / "companion.log").read_text()
