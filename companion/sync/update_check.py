"""The newest version of Companion, as the platform announces it: ``GET /v1/desktop/latest``,
a JSON of three fields (issue 26, item 6). Made for a slow line: one request, no retry, an
answer of at most 16 KiB read bounded within 15 s (the client's one bounded reader), over
the platform's verified TLS — plain HTTP only to this computer (the demo platform)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from companion.sync.client import HttpClient, NetworkConfig, decode_json

LATEST_PATH = "v1/desktop/latest"
MAX_ANSWER_BYTES = 16 * 1024
DEADLINE_SECONDS = 15.0
_VERSION = re.compile(r"^\d{1,4}(\.\d{1,4}){0,3}$")
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass(frozen=True)
class Release:
    version: str
    size_bytes: int  # the download's size, 0 when the platform does not say
    url: str  # where to download it, "" when the platform names no address


class NotAnnounced(ValueError):
    """The platform's answer is not a release Companion can show."""


def fetch_latest(config: NetworkConfig) -> Release:
    """Ask the platform at ``config.base_url``; raises what the client raises (offline,
    refused, too slow, too big) or NotAnnounced."""
    if not secure(config.base_url):
        raise NotAnnounced(f"not asked over plain HTTP: {config.base_url}")
    tight = dataclasses.replace(
        config,
        retries=0,
        timeout_seconds=min(config.timeout_seconds, DEADLINE_SECONDS),
        deadline_seconds=DEADLINE_SECONDS,
        max_answer_bytes=MAX_ANSWER_BYTES,
        max_json_depth=2,
    )
    client = HttpClient(tight)
    try:
        return parse_release(decode_json(client.request("GET", LATEST_PATH), max_depth=2))
    finally:
        client.close()


def secure(address: str) -> bool:
    parts = urlsplit(address)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)


def parse_release(data: Any) -> Release:
    if not isinstance(data, dict):
        raise NotAnnounced("not a JSON object")
    version, size, url = data.get("version"), data.get("size_bytes", 0), data.get("url", "")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise NotAnnounced("no version of the form 1.2.3")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size < 10**10:
        raise NotAnnounced("size_bytes is not a size")
    if not isinstance(url, str) or (url and urlsplit(url).scheme != "https"):
        raise NotAnnounced("url is not an https address")
    return Release(version, size, url)
