"""The kinds of platform Companion speaks: the one place that maps a kind's name to its
module. Above ``companion.sync`` a platform is found, signed in to and opened through here,
and used as a ``companion.platform.Platform``, whatever its kind."""

from __future__ import annotations

from typing import NamedTuple

from companion.platform import Platform, SignInKind
from companion.sync import moodle_ws
from companion.sync.client import HttpClient
from companion.sync.moodle import MoodlePlatform
from companion.sync.platform_v1 import PlatformV1

PLATFORM_V1 = PlatformV1.kind
MOODLE = MoodlePlatform.kind
KINDS = (PLATFORM_V1, MOODLE)


class SiteDescription(NamedTuple):
    """What a site says about itself before anyone signs in."""

    kind: str
    address: str  # its own canonical address (may differ from the one typed)
    name: str
    sign_in_kind: SignInKind
    launch_url: str  # where a browser sign-in starts, for the kinds that have one


def check_address(address: str) -> str:
    """An address a password or a token may go to: https, or http to this computer."""
    return moodle_ws.check_site_address(address)


def discover(client: HttpClient) -> SiteDescription:
    """What kind of site answers at ``client``'s address. A learner types the address of
    a site to add; the platform API v1 is configured, not discovered, so today the
    answer is a Moodle site, or a clear error."""
    config = moodle_ws.public_config(client)
    return SiteDescription(
        MOODLE, config.address, config.name, config.sign_in_kind, config.launch_url
    )


def sign_in_with_password(kind: str, client: HttpClient, username: str, password: str) -> str:
    """A token for a name and password typed in Companion (never stored)."""
    if kind != MOODLE:
        raise ValueError(f"{kind!r} has no sign-in with a password")
    return moodle_ws.token_for(client, username, password)


def browser_sign_in_address(site: SiteDescription, passport: str) -> str:
    """Where the system browser signs in to a site whose learners sign in there."""
    if site.kind != MOODLE or not site.launch_url:
        raise ValueError(f"{site.kind!r} has no browser sign-in")
    return moodle_ws.launch_address(site.launch_url, passport)


def token_from_browser(site: SiteDescription, returned: str, passport: str) -> str:
    """The token a browser sign-in handed back (through Companion's URL scheme)."""
    return moodle_ws.token_from_launch(returned, site.address, passport)


def open_platform(client: HttpClient, kind: str = PLATFORM_V1, token: str = "") -> Platform:
    """The platform at ``client``'s address, spoken to as ``kind`` (with ``token``, for the
    kinds whose accounts hold one)."""
    if kind == PLATFORM_V1:
        return PlatformV1(client)
    if kind == MOODLE:
        return MoodlePlatform(client, token)
    raise ValueError(f"unknown kind of platform: {kind!r}")
