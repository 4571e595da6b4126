"""Every setting declared once (STYLE 6), read from four layers.

Layers, weakest first: the declared default, the user's settings file, environment
variables (``COMPANION_PLATFORM_API_URL`` for ``platform.api_url``), and the machine-wide
policy file written by a training centre's administrator. A value set by policy is locked:
the learner sees it but cannot change it. Unknown keys are errors; renamed keys are
migrated when the user file is read.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar, cast

from companion import settings_files
from companion.errors import UserFacingError, ValidationError
from companion.i18n import N_, _
from companion.settings_files import PolicyError as PolicyError
from companion.settings_files import Problem as Problem

log = logging.getLogger("companion.settings")

SettingValue = str | int | float | bool


class Source(Enum):
    DEFAULT = "default"
    USER = "user"
    ENVIRONMENT = "environment"
    POLICY = "policy"


V = TypeVar("V", bound=str | int | float | bool)


class Setting(NamedTuple, Generic[V]):
    key: str
    type: type[V]
    default: V
    doc: str  # English source text, marked for translation
    choices: tuple[SettingValue, ...] = ()
    minimum: float | None = None

    @property
    def env_var(self) -> str:
        return "COMPANION_" + self.key.upper().replace(".", "_")

    def coerce(self, raw: object) -> SettingValue:
        """Turn a value from a file or the environment into this setting's type."""
        value = _coerce(self.type, raw)
        if self.choices and value not in self.choices:
            raise ValueError(f"must be one of {', '.join(map(str, self.choices))}")
        if self.minimum is not None and isinstance(value, int | float) and value < self.minimum:
            raise ValueError(f"must be at least {self.minimum}")
        return value


def _coerce(kind: type, raw: object) -> SettingValue:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if isinstance(raw, str) and raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError("must be true or false")
    if kind is int and not isinstance(raw, bool) and isinstance(raw, int | str):
        return int(raw)
    if kind is float and not isinstance(raw, bool) and isinstance(raw, int | float | str):
        return float(raw)
    if kind is str and isinstance(raw, str):
        return raw
    raise ValueError(f"must be of type {kind.__name__}")


# Each setting is a typed constant: ``settings.value(NETWORK_PROXY)`` is a str, and a
# misspelt name is an error that mypy finds (STYLE 6).
PLATFORM_API_URL = Setting(
    "platform.api_url",
    str,
    "",
    N_("Base URL of the platform API. Empty: start the built-in sandbox platform."),
)
PLATFORM_ISSUER = Setting(
    "platform.issuer",
    str,
    "",
    N_("OpenID Connect issuer URL when sign-in is hosted elsewhere than the API."),
)
NETWORK_PROXY = Setting(
    "network.proxy",
    str,
    "system",
    N_("Proxy URL, or 'system' to use the system's proxy settings, or 'none'."),
)
NETWORK_CA_BUNDLE = Setting(
    "network.ca_bundle",
    str,
    "",
    N_("Extra certificate authority bundle (PEM) for a proxy that inspects TLS."),
)
NETWORK_TIMEOUT_SECONDS = Setting(
    "network.timeout_seconds",
    float,
    20.0,
    N_("Seconds to wait for the platform before giving up on one request."),
    minimum=1.0,
)
NETWORK_RETRIES = Setting(
    "network.retries",
    int,
    3,
    N_("How many times a failed request is retried, with growing pauses."),
    minimum=0,
)
AUTH_LOOPBACK_PORT = Setting(
    "auth.loopback_port",
    int,
    0,
    N_("Port for the browser sign-in redirect on 127.0.0.1; 0 lets Companion choose."),
    minimum=0,
)
AUTH_ALLOWED_ORIGINS = Setting(
    "auth.allowed_origins",
    str,
    "",
    N_(
        "Other addresses (https://host, comma-separated) the sign-in service may name for "
        "its token, revocation, device and userinfo endpoints."
    ),
)
STORAGE_BUDGET_MB = Setting(
    "storage.budget_mb",
    int,
    5000,
    N_("Disk space course files may use, in megabytes; older courses make room."),
    minimum=50,
)
DOWNLOADS_PARALLEL = Setting(
    "downloads.parallel", int, 3, N_("Files downloaded at the same time."), minimum=1
)
DOWNLOADS_BANDWIDTH_KBPS = Setting(
    "downloads.bandwidth_kbps",
    int,
    0,
    N_("Download speed limit in kilobytes per second; 0 means no limit."),
    minimum=0,
)
DOWNLOADS_METERED = Setting(
    "downloads.metered",
    bool,
    False,
    N_("Metered connection: large files (videos, audio) wait until you allow them."),
)
SYNC_INTERVAL_MINUTES = Setting(
    "sync.interval_minutes",
    int,
    15,
    N_("Minutes between two syncs with the platform when nothing changed."),
    minimum=1,
)
SYNC_LRS_URL = Setting(
    "sync.lrs_url",
    str,
    "",
    N_(
        "xAPI address of the learning record store progress goes to; empty: the one "
        "the platform names."
    ),
)
UI_LANGUAGE = Setting("ui.language", str, "fr", N_("Interface language."), choices=("fr", "en"))
UI_THEME = Setting(
    "ui.theme",
    str,
    "system",
    N_("Colours: 'system' (light or dark, as the system), 'light', 'dark' or 'high-contrast'."),
    choices=("system", "light", "dark", "high-contrast"),
)
UI_ZOOM_PERCENT = Setting(
    "ui.zoom_percent",
    int,
    100,
    N_("Text size, in percent of the system's (80 to 200)."),
    minimum=50,
)
LOG_LEVEL = Setting(
    "log.level",
    str,
    "INFO",
    N_("Detail of the log file."),
    choices=("DEBUG", "INFO", "WARNING", "ERROR"),
)
KIOSK_ENABLED = Setting(
    "kiosk.enabled",
    bool,
    False,
    N_("Shared kiosk: tokens kept in memory only, personal data wiped at sign-out."),
)
KIOSK_IDLE_MINUTES = Setting(
    "kiosk.idle_minutes",
    int,
    15,
    N_("On a kiosk, minutes without activity before the learner is signed out."),
    minimum=1,
)
AUTH_SIGN_IN_METHODS = Setting(
    "auth.sign_in_methods",
    str,
    "browser,device",
    N_("Sign-in methods offered: 'browser', 'device' (QR code on another device), or both."),
    choices=("browser,device", "device,browser", "device", "browser"),
)
STORAGE_SHARED_CACHE_DIR = Setting(
    "storage.shared_cache_dir",
    str,
    "",
    N_("Folder for course files shared by every learner; empty: this account's cache."),
)
UPDATES_CHECK = Setting(
    "updates.check",
    bool,
    True,
    N_(
        "Once a day, ask the platform whether a newer Companion exists (a file of a few "
        "hundred bytes) and say so quietly; never on a kiosk."
    ),
)

DECLARED: tuple[Setting[Any], ...] = (
    PLATFORM_API_URL,
    PLATFORM_ISSUER,
    NETWORK_PROXY,
    NETWORK_CA_BUNDLE,
    NETWORK_TIMEOUT_SECONDS,
    NETWORK_RETRIES,
    AUTH_LOOPBACK_PORT,
    AUTH_ALLOWED_ORIGINS,
    STORAGE_BUDGET_MB,
    DOWNLOADS_PARALLEL,
    DOWNLOADS_BANDWIDTH_KBPS,
    DOWNLOADS_METERED,
    SYNC_INTERVAL_MINUTES,
    SYNC_LRS_URL,
    UI_LANGUAGE,
    UI_THEME,
    UI_ZOOM_PERCENT,
    LOG_LEVEL,
    KIOSK_ENABLED,
    KIOSK_IDLE_MINUTES,
    AUTH_SIGN_IN_METHODS,
    STORAGE_SHARED_CACHE_DIR,
    UPDATES_CHECK,
)

BY_KEY: Mapping[str, Setting[Any]] = {setting.key: setting for setting in DECLARED}

# Keys renamed since an earlier release: old key -> new key.
RENAMED: Mapping[str, str] = {"platform.url": "platform.api_url"}


class UnknownSettingError(KeyError):
    pass


def _known(key: str) -> Setting[Any] | None:
    """A key as a file writes it (an old spelling too) -> its declaration, if any."""
    return BY_KEY.get(RENAMED.get(key, key))


def read_policy(path: Path) -> dict[str, SettingValue]:
    """Read the machine policy strictly (``settings_files.read_policy``)."""
    return settings_files.read_policy(path, _known)


class Settings:
    """Typed access to the merged layers; only the user layer is ever written."""

    def __init__(
        self,
        user_file: Path,
        policy_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.user_file = user_file
        self.policy_file = policy_file
        user = settings_files.read_user_file(user_file, _known)
        self._user = user.layer
        self._problems = user.problems
        self._unwritable_hint = user.unwritable_hint  # a file not read whole: never rewritten
        self._policy = read_policy(policy_file) if policy_file else {}
        self._environment = settings_files.environment_layer(
            os.environ if environ is None else environ, DECLARED
        )

    def value(self, setting: Setting[V]) -> V:
        """The setting's value, of its declared type (the layers hold coerced values)."""
        return cast(V, self.value_and_source(setting.key)[0])

    def get(self, key: str) -> SettingValue:
        """By name, for the command line's ``config`` and tests; code uses ``value``."""
        return self.value_and_source(key)[0]

    def value_and_source(self, key: str) -> tuple[SettingValue, Source]:
        setting = _declared(key)
        for layer, source in (
            (self._policy, Source.POLICY),
            (self._environment, Source.ENVIRONMENT),
            (self._user, Source.USER),
        ):
            if key in layer:
                return layer[key], source
        return setting.default, Source.DEFAULT

    def is_locked(self, key: str) -> bool:
        return _declared(key).key in self._policy

    def set(self, key: str, value: object) -> None:
        """Change a setting in the user file; refused when policy fixes it."""
        setting = _declared(key)
        if self.is_locked(key):
            raise UserFacingError(
                _("This setting is managed by your organisation."),
                _("Ask the training centre's administrator to change it."),
            )
        try:
            coerced = setting.coerce(value)
        except ValueError as error:
            raise ValidationError(
                _("The value for {key} is not valid: {reason}.").format(key=key, reason=error)
            ) from error
        if self._unwritable_hint is not None:  # rewriting it would lose what is written there
            raise UserFacingError(
                _("Your settings file cannot be changed: {problem}").format(
                    problem=self._problems[0]
                ),
                _(self._unwritable_hint),
            )
        self._save_user(key, coerced)
        self._user[key] = coerced

    def _save_user(self, key: str, value: SettingValue) -> None:
        """Change one key in the file, keeping every other line, comment and the order
        (tomlkit edits the document it parsed); replaced atomically, private (0600)."""
        import tomlkit  # only needed when a learner changes a setting

        from companion.files import guarded, write_atomic

        with guarded(self.user_file):
            text = self.user_file.read_text("utf-8") if self.user_file.exists() else ""
            document = tomlkit.parse(text)
            for old in (old for old, new in RENAMED.items() if new == key):
                # The old spelling would compete with the new one when the file is read.
                old_section, old_name = old.split(".", 1)
                old_table = document.get(old_section)
                if isinstance(old_table, dict):
                    old_table.pop(old_name, None)
            section, name = key.split(".", 1)
            table = document.setdefault(section, tomlkit.table())
            table[name] = value
            write_atomic(self.user_file, tomlkit.dumps(document).encode("utf-8"))

    @property
    def problems(self) -> list[str]:
        """What is wrong in the user's file, in words with the file and line (ignored
        lines, or a file not used at all), in the current language: for the window's
        banner and the doctor."""
        return [str(problem) for problem in self._problems]

    @property
    def kiosk(self) -> bool:
        return self.value(KIOSK_ENABLED)

    @property
    def managed(self) -> dict[str, SettingValue]:
        """What the machine policy fixes (shown as managed in the window and the CLI)."""
        return dict(self._policy)

    def sign_in_methods(self) -> tuple[str, ...]:
        return tuple(self.value(AUTH_SIGN_IN_METHODS).split(","))


def _declared(key: str) -> Setting[Any]:
    try:
        return BY_KEY[key]
    except KeyError:
        raise UnknownSettingError(key) from None
