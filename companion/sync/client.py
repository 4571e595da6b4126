"""One HTTP session for the platform: timeouts, retries, request ids, proxy and trust store.

Failures leave this module as `UserFacingError` subclasses with plain-language text, and
carry a request id so support staff can match a learner's report with the server's log.

The id is the client's own, made for each request and sent as ``X-Request-Id`` (the
platform logs it and echoes it). It is never taken from the answer: a shared cache (a
training centre's proxy) replays the answer it stored, with the ``X-Request-Id`` of the
learner whose request filled it, and a reference must never point at another learner's
request. When the answer's id differs, the log line names both.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from companion import __version__
from companion.errors import UserFacingError, new_reference
from companion.i18n import _

log = logging.getLogger("companion.sync")

USER_AGENT = f"Companion/{__version__}"
REQUEST_ID_HEADER = "X-Request-Id"
MAX_RETRY_AFTER_SECONDS = 30  # a longer wait is reported to the learner instead of slept


@dataclass(frozen=True)
class NetworkConfig:
    base_url: str
    timeout_seconds: float = 20.0
    connect_timeout_seconds: float = 5.0
    retries: int = 3
    proxy: str = "system"  # "system", "none" or a proxy URL
    ca_bundle: str = ""  # extra PEM bundle; empty means the default trust store
    backoff_factor: float = 0.5


class PlatformUnreachable(UserFacingError):
    """No answer: offline, DNS failure, refused connection, timeout."""


class PlatformError(UserFacingError):
    """The platform answered with an error (RFC 9457 problem details when it can)."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        status: int,
        request_id: str = "",
        problem: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
        served_request_id: str = "",
    ) -> None:
        super().__init__(message, hint, reference=request_id)
        self.status = status
        self.request_id = request_id  # the client's own: the reference support staff get
        self.served_request_id = served_request_id or request_id  # as the answer said
        self.problem = dict(problem or {})
        self.retry_after = retry_after


class MalformedResponse(UserFacingError):
    """The answer could not be read: broken JSON or the wrong shape."""


class _CappedRetry(Retry):
    """urllib3's Retry, except a very long Retry-After ends the retries instead of blocking
    a worker thread for minutes."""

    def get_retry_after(self, response: Any) -> float | None:
        seconds = super().get_retry_after(response)
        if seconds is not None and seconds > MAX_RETRY_AFTER_SECONDS:
            raise _RetryAfterTooLong(seconds)
        return seconds


class _RetryAfterTooLong(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class HttpClient:
    def __init__(self, config: NetworkConfig, session: requests.Session | None = None) -> None:
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        retry = _CappedRetry(
            total=config.retries,
            connect=config.retries,
            read=config.retries,
            status=config.retries,
            backoff_factor=config.backoff_factor,
            backoff_jitter=0.25,
            status_forcelist=(429, 502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._configure_proxy_and_trust()

    def _configure_proxy_and_trust(self) -> None:
        proxy = self.config.proxy.strip()
        if proxy == "none":
            self.session.trust_env = False  # ignore HTTP(S)_PROXY from the environment
        elif proxy not in ("", "system"):
            self.session.proxies = {"http": proxy, "https": proxy}
        if self.config.ca_bundle:
            self.session.verify = self.config.ca_bundle  # never False: TLS is always verified

    def url(self, path: str) -> str:
        if path.startswith(("https://", "http://")):
            return path  # the identity provider may live on another host
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200,),
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request; raise a user-facing error unless the status is expected."""
        request_id = uuid.uuid4().hex
        all_headers = {REQUEST_ID_HEADER: request_id, **(headers or {})}
        if self.config.ca_bundle:
            # Given per request: requests lets REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE from the
            # environment win over the session's own setting (psf/requests#3829), and a
            # centre's certificate authority would then be silently ignored.
            kwargs.setdefault("verify", self.config.ca_bundle)
        timeout = (self.config.connect_timeout_seconds, self.config.timeout_seconds)
        try:
            response = self.session.request(
                method,
                self.url(path),
                headers=all_headers,
                timeout=timeout,
                stream=stream,
                **kwargs,
            )
        except _RetryAfterTooLong as busy:
            raise _busy_error(busy.seconds, request_id) from None
        except requests.exceptions.SSLError as error:
            log.warning("TLS failure for %s %s [%s]: %s", method, path, request_id, error)
            raise PlatformUnreachable(
                _("The platform's security certificate could not be verified."),
                _(
                    "A proxy may be inspecting traffic: ask support staff about the "
                    "certificate authority setting."
                ),
                reference=request_id,
            ) from error
        except requests.exceptions.RequestException as error:
            if isinstance(error.__context__, _RetryAfterTooLong):
                raise _busy_error(error.__context__.seconds, request_id) from None
            log.info(
                "platform unreachable for %s %s [%s]: %s",
                method,
                path,
                request_id,
                type(error).__name__,
            )
            raise PlatformUnreachable(
                _("The platform cannot be reached."),
                _(
                    "Check your internet connection. Companion keeps working offline and "
                    "will try again."
                ),
                reference=request_id,
            ) from error
        log.debug(
            "%s %s -> %s [%s]", method, path, response.status_code, _ids(response, request_id)
        )
        if response.status_code not in expect:
            raise error_from_response(response, request_id)
        return response

    def get_json(self, path: str, **kwargs: Any) -> Any:
        response = self.request("GET", path, **kwargs)
        return decode_json(response)

    def close(self) -> None:
        self.session.close()


def sent_request_id(response: requests.Response) -> str:
    """The id this client sent with the request that got ``response`` (never the one the
    answer carries: see the module's docstring)."""
    request = getattr(response, "request", None)
    sent = request.headers.get(REQUEST_ID_HEADER, "") if request is not None else ""
    return str(sent or "")


def _ids(response: requests.Response, request_id: str) -> str:
    """``<client id>`` for a log line, plus the answer's id when it differs (from a cache)."""
    served = response.headers.get(REQUEST_ID_HEADER, "")
    if served and served != request_id:
        return f"{request_id}, served as {served}"
    return request_id


def decode_json(response: requests.Response) -> Any:
    request_id = sent_request_id(response) or new_reference()
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError) as error:
        log.warning("unreadable JSON from %s [%s]", response.url, _ids(response, request_id))
        raise MalformedResponse(
            _("The platform sent an answer Companion cannot read."),
            _(
                "This is usually temporary. If it lasts, give support staff the reference "
                "{reference}."
            ).format(reference=request_id),
            reference=request_id,
        ) from error


def _busy_error(seconds: float, request_id: str) -> PlatformError:
    minutes = max(1, round(seconds / 60))
    return PlatformError(
        _("The platform is busy."),
        _("Companion will try again in about {minutes} min.").format(minutes=minutes),
        status=503,
        request_id=request_id,
        retry_after=seconds,
    )


def error_from_response(response: requests.Response, request_id: str) -> PlatformError:
    problem: dict[str, Any] = {}
    if "json" in response.headers.get("Content-Type", ""):
        try:
            loaded = response.json()
            problem = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            problem = {}
    status = response.status_code
    log.warning(
        "platform error %s on %s [%s]: %s",
        status,
        response.request.path_url,
        _ids(response, request_id),
        problem.get("title", ""),
    )
    retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
    message, hint = _describe_status(status)
    return PlatformError(
        message,
        hint,
        status=status,
        request_id=request_id,
        problem=problem,
        retry_after=retry_after,
        served_request_id=response.headers.get(REQUEST_ID_HEADER, ""),
    )


def backoff_delay(
    attempt: int, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Exponential backoff with jitter: between half and all of ``base * 2**attempt``
    (at most ``cap``), so that many clients waiting on one platform come back out of step.
    Used by the downloader's retries and the sync engine's."""
    ceiling = min(cap, base * 2.0 ** min(attempt, 30))
    return ceiling * (0.5 + rng() / 2)


def _retry_after_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _describe_status(status: int) -> tuple[str, str]:
    if status == 401:
        return _("Your session has ended."), _("Sign in again to continue syncing.")
    if status == 403:
        return (
            _("Your account does not give access to this."),
            _("Check your premium access in the Account view."),
        )
    if status == 404:
        return _("This item is no longer on the platform."), ""
    if status == 429 or status >= 500:
        return (
            _("The platform is having trouble right now."),
            _("Companion will try again later; your work is kept on this computer."),
        )
    return (
        _("The platform refused the request."),
        _("If it happens again, contact support staff."),
    )
