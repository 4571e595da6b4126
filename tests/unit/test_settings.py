import os
from pathlib import Path

import pytest

from companion.errors import UserFacingError
from companion.settings import DECLARED, PolicyError, Settings, Source, UnknownSettingError


def make(
    tmp_path: Path, user: str = "", policy: str | None = None, environ: dict[str, str] | None = None
) -> Settings:
    user_file = tmp_path / "settings.toml"
    if user:
        user_file.write_text(user, encoding="utf-8")
    policy_file = None
    if policy is not None:
        policy_file = tmp_path / "policy.toml"
        policy_file.write_text(policy, encoding="utf-8")
    return Settings(user_file, policy_file, environ or {})


def test_defaults_come_from_the_declarations(tmp_path):
    settings = make(tmp_path)
    for setting in DECLARED:
        assert settings.value_and_source(setting.key) == (setting.default, Source.DEFAULT)


def test_layers_override_in_order(tmp_path):
    settings = make(
        tmp_path,
        user='[network]\ntimeout_seconds = 30\n[ui]\nlanguage = "en"\n',
        environ={"COMPANION_NETWORK_TIMEOUT_SECONDS": "45"},
        policy="[kiosk]\nenabled = true\n",
    )
    assert settings.value_and_source("ui.language") == ("en", Source.USER)
    assert settings.value_and_source("network.timeout_seconds") == (45.0, Source.ENVIRONMENT)
    assert settings.value_and_source("kiosk.enabled") == (True, Source.POLICY)
    assert settings.kiosk


def test_policy_wins_over_the_environment_and_locks_the_setting(tmp_path):
    settings = make(
        tmp_path,
        policy='[platform]\napi_url = "https://centre.example"\n',
        environ={"COMPANION_PLATFORM_API_URL": "http://elsewhere"},
    )
    assert settings.get("platform.api_url") == "https://centre.example"
    with pytest.raises(UserFacingError, match="managed by your organisation"):
        settings.set("platform.api_url", "http://other")


def test_set_writes_the_user_file_atomically_and_reads_back(tmp_path):
    settings = make(tmp_path)
    settings.set("ui.language", "en")
    settings.set("network.retries", "5")
    again = Settings(settings.user_file, None, {})
    assert again.get("ui.language") == "en"
    assert again.get("network.retries") == 5
    assert not list(tmp_path.glob("*.tmp"))


def test_invalid_values_are_refused_with_a_clear_message(tmp_path):
    settings = make(tmp_path)
    with pytest.raises(UserFacingError, match=r"ui\.language"):
        settings.set("ui.language", "de")
    with pytest.raises(UserFacingError, match="at least"):
        settings.set("network.timeout_seconds", 0)


def test_unknown_keys_are_errors(tmp_path):
    settings = make(tmp_path)
    with pytest.raises(UnknownSettingError):
        settings.get("no.such.key")
    with pytest.raises(UnknownSettingError):
        settings.set("no.such.key", 1)


def test_bad_files_and_values_are_ignored_not_fatal_and_not_overwritten(tmp_path):
    broken = "this is [not toml"
    settings = make(tmp_path, user=broken)
    assert settings.get("ui.language") == "fr"
    assert settings.user_file.read_text() == broken
    typed = make(tmp_path, user='[network]\nretries = "many"\nunknown = 3\n')
    assert typed.get("network.retries") == 3


def test_renamed_keys_are_migrated(tmp_path):
    settings = make(tmp_path, user='[platform]\nurl = "https://old.example"\n')
    assert settings.get("platform.api_url") == "https://old.example"


def test_every_setting_has_a_description_and_a_valid_default():
    for setting in DECLARED:
        assert setting.doc.strip()
        assert setting.coerce(setting.default) == setting.default


# --- the machine policy fails closed (issue 9) -------------------------------------------


def test_a_malformed_policy_refuses_to_start_naming_the_file_and_line(tmp_path):
    # Seen: a broken policy file was ignored, so kiosk mode silently turned off.
    with pytest.raises(PolicyError) as raised:
        make(tmp_path, policy="[kiosk]\nenabled = true\nidle_minutes = \n")
    assert str(tmp_path / "policy.toml") in raised.value.message
    assert "line 3" in raised.value.message


def test_an_unknown_or_invalid_policy_key_refuses_to_start(tmp_path):
    with pytest.raises(PolicyError, match=r"“kiosk.enable” \(line 2\)|kiosk.enable.*line 2"):
        make(tmp_path, policy="[kiosk]\nenable = true\n")
    with pytest.raises(PolicyError, match="line 3"):
        make(tmp_path, policy='[kiosk]\nenabled = true\nidle_minutes = "soon"\n')


def test_an_unreadable_policy_refuses_to_start(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[kiosk]\nenabled = true\n", encoding="utf-8")
    policy.chmod(0)
    try:
        if os.access(policy, os.R_OK):  # root reads anything: make it a folder instead
            policy.chmod(0o600)
            policy.unlink()
            policy.mkdir()
        with pytest.raises(PolicyError, match="cannot be read"):
            Settings(tmp_path / "settings.toml", policy, {})
    finally:
        if policy.is_file():
            policy.chmod(0o600)


def test_no_policy_file_is_no_policy(tmp_path):
    settings = Settings(tmp_path / "settings.toml", tmp_path / "absent.toml", {})
    assert not settings.kiosk and settings.managed == {}


def test_locked_settings_are_reported_as_managed(tmp_path):
    settings = make(
        tmp_path, policy='[auth]\nsign_in_methods = "device"\n[kiosk]\nenabled = true\n'
    )
    assert settings.managed == {"auth.sign_in_methods": "device", "kiosk.enabled": True}
    assert settings.sign_in_methods() == ("device",)
    assert settings.is_locked("kiosk.enabled") and not settings.is_locked("ui.language")


KEPT = """\
# Set up by the training centre's technician: keep the proxy.
[network]
proxy = "http://proxy.centre.example:3128"  # the centre's cache
timeout_seconds = 60.0

[ui]
language = "fr"
"""


def test_changing_one_setting_keeps_the_rest_of_the_file(tmp_path):
    settings = make(tmp_path, user=KEPT)
    settings.set("ui.language", "en")
    settings.set("downloads.metered", True)
    expected = KEPT.replace('language = "fr"', 'language = "en"')
    assert settings.user_file.read_text() == expected + "\n[downloads]\nmetered = true\n"
    assert Settings(settings.user_file, None, {}).get("network.timeout_seconds") == 60.0


def test_a_renamed_key_is_written_under_its_new_name_only(tmp_path):
    settings = make(tmp_path, user='[platform]\nurl = "https://old.example"\n')
    settings.set("platform.api_url", "https://new.example")
    assert settings.user_file.read_text() == '[platform]\napi_url = "https://new.example"\n'


BROKEN = '[network]\nproxy = "http://proxy.centre.example:3128"\ntimeout_seconds = = 60\n'


def test_a_broken_file_is_reported_with_its_line_and_never_rewritten(tmp_path):
    settings = make(tmp_path, user=BROKEN)
    assert settings.problems == [
        f"{settings.user_file} has an error at line 3; none of its settings are used."
    ]
    with pytest.raises(UserFacingError) as refused:
        settings.set("ui.language", "en")
    assert "line 3" in refused.value.message
    assert refused.value.hint == "Fix the line or remove the file, then try again."
    assert settings.user_file.read_text() == BROKEN
    assert settings.get("ui.language") == "fr"


def test_unknown_keys_and_bad_values_are_reported_with_their_line(tmp_path):
    settings = make(tmp_path, user="[network]\nretries = -1\n\n[sync]\nspeed = 3\n")
    assert settings.problems == [
        f"{settings.user_file}, line 2: “network.retries” must be at least 0, ignored.",
        f"{settings.user_file}, line 5: unknown setting “sync.speed”, ignored.",
    ]
    settings.set("network.retries", 2)  # a readable file with a bad line is still edited
    assert "retries = 2" in settings.user_file.read_text()


def test_the_settings_file_is_readable_by_its_owner_only(tmp_path):
    settings = make(tmp_path)
    settings.set("ui.language", "en")
    assert settings.user_file.stat().st_mode & 0o777 == 0o600


def test_every_default_is_of_its_declared_type():
    # ``Settings.value`` returns the declared type without a cast at the call site.
    wrong = [s.key for s in DECLARED if type(s.default) is not s.type]
    assert not wrong


def test_a_typed_setting_reads_every_layer_as_its_type(tmp_path):
    from companion.settings import DOWNLOADS_METERED, NETWORK_TIMEOUT_SECONDS, SYNC_INTERVAL_MINUTES

    user = tmp_path / "settings.toml"
    user.write_text("[sync]\ninterval_minutes = 7\n", encoding="utf-8")
    environ = {"COMPANION_NETWORK_TIMEOUT_SECONDS": "12", "COMPANION_DOWNLOADS_METERED": "yes"}
    settings = Settings(user, None, environ=environ)
    assert settings.value(SYNC_INTERVAL_MINUTES) == 7
    assert settings.value(NETWORK_TIMEOUT_SECONDS) == 12.0
    assert isinstance(settings.value(NETWORK_TIMEOUT_SECONDS), float)
    assert settings.value(DOWNLOADS_METERED) is True
