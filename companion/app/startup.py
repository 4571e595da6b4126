"""Small helpers of an app's start: the log's first line, and reads allowed to fail."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TypeVar

from companion.settings import PLATFORM_API_URL, Settings

T = TypeVar("T")

log = logging.getLogger("companion.services")


def log_start(settings: Settings, profile: str, read_only: bool) -> None:
    """The first line support staff look for: what ran, on what, under which rules."""
    from companion import __version__

    platform = settings.value(PLATFORM_API_URL).strip() or "demo"
    policy = ", ".join(sorted(settings.managed)) or "none"
    log.info(
        "start: Companion %s, profile %s%s, platform %s, policy %s (%s), kiosk %s, pid %d",
        __version__,
        profile,
        " (read-only)" if read_only else "",
        platform,
        settings.policy_file,
        policy,
        "on" if settings.kiosk else "off",
        os.getpid(),
    )


def or_none(read: Callable[[], T], what: str) -> T | None:
    """What ``read`` returns, or None when it fails: the window then reads it again the
    usual way, which says what went wrong."""
    try:
        return read()
    except Exception as error:  # said where it is read again
        log.info("%s not read before the window: %s", what, type(error).__name__)
        return None
