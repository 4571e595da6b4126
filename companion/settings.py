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
import re
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

from companion.errors import UserFacingError
from companion.i18n import N_, _

log = logging.getLogger("companion.settings")

SettingValue = str | int | float | bool


class Source(Enum):
    DEFAULT = "default"
    USER = "user"
    ENVIRONMENT = "environment"
    POLICY = "policy"


class Setting(NamedTuple):
    key: str
    type: type
    default: SettingValue
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


DECLARED: tuple[Setting, ...] = (
    Setting(
        "platform.api_url",
        str,
        "",
        N_("Base URL of the platform API. Empty: start the built-in sandbox platform."),
    ),
    Setting(
        "platform.issuer",
        str,
        "",
        N_("OpenID Connect issuer URL when sign-in is hosted elsewhere than the API."),
    ),
    Setting(
        "network.proxy",
        str,
        "system",
        N_("Proxy URL, or 'system' to use the system's proxy settings, or 'none'."),
    ),
    Setting(
        "network.ca_bundle",
        str,
        "",
        N_("Extra certificate authority bundle (PEM) for a proxy that inspects TLS."),
    ),
    Setting(
        "network.timeout_seconds",
        float,
        20.0,
        N_("Seconds to wait for the platform before giving up on one request."),
        minimum=1.0,
    ),
    Setting(
        "network.retries",
        int,
        3,
        N_("How many times a failed request is retried, with growing pauses."),
        minimum=0,
    ),
    Setting(
        "auth.loopback_port",
        int,
        0,
        N_("Port for the browser sign-in redirect on 127.0.0.1; 0 lets Companion choose."),
        minimum=0,
    ),
    Setting(
        "storage.budget_mb",
        int,
        5000,
        N_("Disk space course files may use, in megabytes; older courses make room."),
        minimum=50,
    ),
    Setting("downloads.parallel", int, 3, N_("Files downloaded at the same time."), minimum=1),
    Setting(
        "downloads.bandwidth_kbps",
        int,
        0,
        N_("Download speed limit in kilobytes per second; 0 means no limit."),
        minimum=0,
    ),
    Setting(
        "downloads.metered",
        bool,
        False,
        N_("Metered connection: large files (videos, audio) wait until you allow them."),
    ),
    Setting(
        "sync.interval_minutes",
        int,
        15,
        N_("Minutes between two syncs with the platform when nothing changed."),
        minimum=1,
    ),
    Setting("ui.language", str, "fr", N_("Interface language."), choices=("fr", "en")),
    Setting(
        "log.level",
        str,
        "INFO",
        N_("Detail of the log file."),
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
    ),
    Setting(
        "kiosk.enabled",
        bool,
        False,
        N_("Shared kiosk: tokens kept in memory only, personal data wiped at sign-out."),
    ),
    Setting(
        "kiosk.idle_minutes",
        int,
        15,
        N_("On a kiosk, minutes without activity before the learner is signed out."),
        minimum=1,
    ),
    Setting(
        "auth.sign_in_methods",
        str,
        "browser,device",
        N_("Sign-in methods offered: 'browser', 'device' (QR code on another device), or both."),
        choices=("browser,device", "device,browser", "device", "browser"),
    ),
    Setting(
        "storage.shared_cache_dir",
        str,
        "",
        N_("Folder for course files shared by every learner; empty: this account's cache."),
    ),
)

BY_KEY: Mapping[str, Setting] = {setting.key: setting for setting in DECLARED}

# Keys renamed since an earlier release: old key -> new key.
RENAMED: Mapping[str, str] = {"platform.url": "platform.api_url"}


class UnknownSettingError(KeyError):
    pass


class PolicyError(UserFacingError):
    """The machine policy cannot be read: Companion refuses to start rather than run
    unlocked (a typo must never turn a centre's kiosks into personal computers)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            _("The machine policy file {path} cannot be used: {problem}").format(
                path=path, problem=problem
            ),
            _(
                "Companion will not start until it is fixed. Ask the training centre's"
                " administrator (the file is described in the README, “Machine policy”)."
            ),
        )
        self.path = path
        self.problem = problem


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
        self._user = _read_layer(user_file, "user settings")
        self._policy = read_policy(policy_file) if policy_file else {}
        self._environment = _environment_layer(os.environ if environ is None else environ)

    def get(self, key: str) -> Any:
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
            self._user[key] = setting.coerce(value)
        except ValueError as error:
            raise UserFacingError(
                _("The value for {key} is not valid: {reason}.").format(key=key, reason=error)
            ) from error
        self._save_user()

    def _save_user(self) -> None:
        import tomli_w  # only needed when a learner changes a setting

        self.user_file.parent.mkdir(parents=True, exist_ok=True)
        nested: dict[str, Any] = {}
        for key, value in sorted(self._user.items()):
            section, name = key.split(".", 1)
            nested.setdefault(section, {})[name] = value
        temporary = self.user_file.with_suffix(".tmp")
        temporary.write_text(tomli_w.dumps(nested), encoding="utf-8")
        temporary.replace(self.user_file)  # atomic: a crash never leaves half a file

    @property
    def kiosk(self) -> bool:
        return bool(self.get("kiosk.enabled"))

    @property
    def managed(self) -> dict[str, SettingValue]:
        """What the machine policy fixes (shown as managed in the window and the CLI)."""
        return dict(self._policy)

    def sign_in_methods(self) -> tuple[str, ...]:
        return tuple(str(self.get("auth.sign_in_methods")).split(","))


def _declared(key: str) -> Setting:
    try:
        return BY_KEY[key]
    except KeyError:
        raise UnknownSettingError(key) from None


def _read_layer(path: Path, what: str) -> dict[str, SettingValue]:
    """Read a TOML layer; a broken file is reported and ignored, never overwritten."""
    if not path.exists():
        return {}
    import tomllib  # most learners have no settings file; start-up skips this import

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        log.warning("ignoring unreadable %s file %s: %s", what, path, error)
        return {}
    layer: dict[str, SettingValue] = {}
    for key, raw in _flatten(data).items():
        key = RENAMED.get(key, key)
        setting = BY_KEY.get(key)
        if setting is None:
            log.warning("ignoring unknown setting %r in %s", key, path)
            continue
        try:
            layer[key] = setting.coerce(raw)
        except ValueError as error:
            log.warning("ignoring %s in %s: %s", key, path, error)
    return layer


def read_policy(path: Path) -> dict[str, SettingValue]:
    """Read the machine policy strictly: a missing file is no policy; anything else that
    is wrong (unreadable, not TOML, an unknown key, a bad value) raises PolicyError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except PermissionError:
        raise PolicyError(path, _("it cannot be read (permission denied).")) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(path, _("it cannot be read ({error}).").format(error=error)) from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib says where: "Expected '=' after a key ... (at line 3, column 7)"
        raise PolicyError(path, _("it is not valid TOML: {error}.").format(error=error)) from None
    layer: dict[str, SettingValue] = {}
    for key, raw in _flatten(data).items():
        setting = BY_KEY.get(RENAMED.get(key, key))
        if setting is None:
            where = _line_of(text, key)
            raise PolicyError(
                path, _("unknown setting “{key}” (line {line}).").format(key=key, line=where)
            )
        try:
            layer[setting.key] = setting.coerce(raw)
        except ValueError as error:
            where = _line_of(text, key)
            raise PolicyError(
                path,
                _("“{key}” (line {line}) {reason}.").format(key=key, line=where, reason=error),
            ) from None
    return layer


def _line_of(text: str, key: str) -> int | str:
    """The line that sets ``key`` (its last part), for a message an administrator can use."""
    name = key.rsplit(".", 1)[-1]
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|{re.escape(name)})\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else "?"


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = value
    return flat


def _environment_layer(environ: Mapping[str, str]) -> dict[str, SettingValue]:
    layer: dict[str, SettingValue] = {}
    for setting in DECLARED:
        raw = environ.get(setting.env_var)
        if raw is None:
            continue
        try:
            layer[setting.key] = setting.coerce(raw)
        except ValueError as error:
            log.warning("ignoring %s: %s", setting.env_var, error)
    return layer
