"""The kinds of platform Companion speaks: the one place that maps a kind's name to its
module. Above ``companion.sync`` a platform is opened through here and used as a
``companion.platform.Platform``, whatever its kind."""

from __future__ import annotations

from collections.abc import Callable

from companion.platform import Platform
from companion.sync.client import HttpClient
from companion.sync.moodle import MoodlePlatform
from companion.sync.platform_v1 import PlatformV1

PLATFORM_V1 = PlatformV1.kind
MOODLE = MoodlePlatform.kind
KINDS: dict[str, Callable[[HttpClient], Platform]] = {
    PLATFORM_V1: PlatformV1,
    MOODLE: MoodlePlatform,
}


def open_platform(client: HttpClient, kind: str = PLATFORM_V1) -> Platform:
    """The platform at ``client``'s address, spoken to as ``kind``."""
    try:
        make = KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind of platform: {kind!r}") from None
    return make(client)
