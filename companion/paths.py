"""Where Companion keeps things, through platformdirs.

Per-profile folders hold one learner's data (several learners may share an OS account);
the asset cache is shared by every profile on the machine because course files are the
same bytes for everyone. ``COMPANION_HOME`` roots everything in one folder, for portable
installs and for tests.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

import platformdirs

from companion.errors import ValidationError
from companion.i18n import _

APP_DIR_NAME = "Companion"
APP_AUTHOR = "Companion"
DEFAULT_PROFILE = "default"
_PROFILE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class Paths(NamedTuple):
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path
    policy_file: Path

    @classmethod
    def default(cls) -> Paths:
        home = os.environ.get("COMPANION_HOME")
        policy_override = os.environ.get("COMPANION_POLICY_FILE")
        if home:
            root = Path(home)
            paths = cls(
                root / "config", root / "data", root / "cache", root / "logs", root / "policy.toml"
            )
        else:
            paths = cls(
                config_dir=Path(platformdirs.user_config_dir(APP_DIR_NAME, APP_AUTHOR)),
                data_dir=Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR)),
                cache_dir=Path(platformdirs.user_cache_dir(APP_DIR_NAME, APP_AUTHOR)),
                log_dir=Path(platformdirs.user_log_dir(APP_DIR_NAME, APP_AUTHOR)),
                policy_file=Path(platformdirs.site_config_dir(APP_DIR_NAME, APP_AUTHOR))
                / "policy.toml",
            )
        if policy_override:
            paths = paths._replace(policy_file=Path(policy_override))
        return paths

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def shared_assets_dir(self) -> Path:
        return self.cache_dir / "assets"

    def course_files_dir(self, configured: str) -> Path:
        """Where course files go: the machine-wide folder a policy names
        (``storage.shared_cache_dir``), else this account's cache."""
        return Path(configured.strip()) if configured.strip() else self.shared_assets_dir

    def profile_dir(self, profile: str) -> Path:
        return self.data_dir / "profiles" / check_profile_name(profile)

    def ensure(self) -> None:
        """Create Companion's own folders, private to this account; a folder it may not
        write is a StorageProblem naming it, not a traceback."""
        from companion.files import private_folder

        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            private_folder(folder)
        private_folder(self.data_dir / "profiles")  # where profiles are created and listed

    def open_profile(self, profile: str, *, create: bool) -> Path:
        """The folder of ``profile``. A profile that does not exist yet is created only when
        asked (or for the default one, on first start): a mistyped ``--profile`` must not
        leave a new, empty profile in the profile list."""
        from companion.files import private_folder

        folder = self.profile_dir(profile)
        if not create and profile != DEFAULT_PROFILE and not folder.is_dir():
            raise UnknownProfile(profile, list_profiles(self))
        return private_folder(folder)


class UnknownProfile(ValidationError):
    def __init__(self, name: str, existing: list[str]) -> None:
        super().__init__(
            _("There is no profile named “{name}” on this computer.").format(name=name),
            _("Existing profiles: {names}. To create a new one, add --create-profile.").format(
                names=", ".join(existing) or "—"
            ),
        )
        self.name = name


def check_profile_name(name: str) -> str:
    """Profile names become folder names: accept only a safe, portable subset."""
    if not _PROFILE_NAME.match(name):
        raise ValidationError(
            _("“{name}” cannot be used as a profile name.").format(name=name),
            _("Use 1 to 40 lower-case letters, digits, dashes or underscores."),
        )
    return name


def list_profiles(paths: Paths) -> list[str]:
    """Profiles that have a folder on this computer, in name order."""
    folder = paths.data_dir / "profiles"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and _PROFILE_NAME.match(p.name))


def kiosk_session_root(paths: Paths) -> Path:
    """On a kiosk, learners' personal data lives here, and only for their session."""
    return paths.data_dir / "kiosk-session"
