"""The first start of a profile: whether to welcome the learner, and their platform choice.

The welcome is shown once per profile (a flag file in the profile folder), never on a kiosk
(learners there start from the sign-in screen) and not where the organisation fixed the
platform, since the choice is the welcome's one question besides signing in.
"""

from __future__ import annotations

from pathlib import Path

from companion.errors import UserFacingError
from companion.i18n import _
from companion.settings import PLATFORM_API_URL, Settings, Source

WELCOMED_FILE = "welcomed"
PLATFORM_KEY = "platform.api_url"


def should_welcome(settings: Settings, profile_dir: Path) -> bool:
    if settings.kiosk or settings.is_locked(PLATFORM_KEY):
        return False
    return not (profile_dir / WELCOMED_FILE).exists()


def mark_welcomed(profile_dir: Path) -> None:
    from companion.files import write_atomic

    write_atomic(profile_dir / WELCOMED_FILE, b"")


def platform_choosable(settings: Settings) -> bool:
    """False when the environment sets the platform: a saved choice would not be used."""
    _value, source = settings.value_and_source(PLATFORM_KEY)
    return source not in (Source.POLICY, Source.ENVIRONMENT)


def checked_address(address: str) -> str:
    """A platform address as typed, or why it cannot be used. Only https (or http on this
    computer): sign-in and progress travel there."""
    from urllib.parse import urlsplit

    from companion.auth.discovery import is_safe_url

    cleaned = address.strip()
    if cleaned and "://" not in cleaned:
        cleaned = "https://" + cleaned  # "formation.example.org" is what learners are given
    cleaned = cleaned.rstrip("/")
    try:
        host = urlsplit(cleaned).hostname or ""
        _port = urlsplit(cleaned).port
    except ValueError:  # a port that is not a number
        host = ""
    named = "." in host or host in ("localhost", "::1")  # a host name, not "http:" retyped
    if not named or " " in cleaned or not is_safe_url(cleaned):
        raise UserFacingError(
            _("This platform address cannot be used."),
            _("Type the address your training centre gave you, starting with https://."),
        )
    return cleaned


def choose_platform(settings: Settings, address: str | None) -> bool:
    """Save the learner's platform (None: the demo platform) in their settings file;
    returns whether it changed (the connection must then be opened again)."""
    wanted = "" if address is None else checked_address(address)
    if settings.value(PLATFORM_API_URL).strip() == wanted:
        return False
    settings.set(PLATFORM_KEY, wanted)
    return True
