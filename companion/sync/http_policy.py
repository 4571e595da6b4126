"""What the HTTP client does with what comes back: the redirects it follows (one policy for
every request: issue 24) and the pauses it takes (exponential backoff with jitter,
Retry-After)."""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

log = logging.getLogger("companion.sync")

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


class RedirectRefused(Exception):
    """A request that carries the learner's data was sent to another origin."""


class RedirectLoop(Exception):
    """The redirects go round in circles, or on for too long."""


MAX_REDIRECTS = 5


def next_hop(
    method: str,
    headers: Mapping[str, str],
    url: str,
    response: requests.Response,
    seen: set[str],
) -> str:
    """Where a redirect may be followed to — one policy for every request (issue 24):
    a request that carries the learner's data (a body, a token, credentials) follows
    none to another origin; one that carries nothing personal (a course file, the
    catalogue) may go to a CDN; at most MAX_REDIRECTS, and a loop is said as a loop."""
    target = urljoin(url, response.headers.get("Location", ""))
    response.close()
    if target in seen or len(seen) >= MAX_REDIRECTS:
        raise RedirectLoop(target)
    seen.add(target)
    personal = (
        method.upper() not in IDEMPOTENT
        or any(name.lower() in ("authorization", "cookie") for name in headers)
        or "token" in parse_qs(urlsplit(url).query)
    )
    elsewhere = _origin(target) != _origin(url)
    if (personal and elsewhere) or not target.startswith(("https://", "http://")):
        log.warning(
            "refused a redirect of %s to another origin (%s)", method, _origin(target) or "?"
        )
        raise RedirectRefused(target)
    return target


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def backoff_delay(
    attempt: int, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Exponential backoff with jitter: between half and all of ``base * 2**attempt``
    (at most ``cap``), so that many clients waiting on one platform come back out of step.
    Used by the downloader's retries and the sync engine's."""
    ceiling = min(cap, base * 2.0 ** min(attempt, 30))
    return ceiling * (0.5 + rng() / 2)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After in seconds (a number or an HTTP date); None when absent or unreadable.
    Never infinite nor NaN; a huge value stays huge here and is capped where it is used."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()
    if math.isnan(seconds):
        return None
    return max(0.0, min(seconds, 1e12))
