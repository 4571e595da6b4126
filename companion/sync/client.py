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

import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from companion import __version__, jsonlimits
from companion.errors import UserFacingError, new_reference
from companion.i18n import _
from companion.sync.bounded import AnswerCut, AnswerTooBig, AnswerTooSlow, Deadline, read_body
from companion.sync.http_policy import (
    RedirectLoop,
    RedirectRefused,
    backoff_delay,
    next_hop,
    retry_after_seconds,
)

log = logging.getLogger("companion.sync")

USER_AGENT = f"Companion/{__version__}"
REQUEST_ID_HEADER = "X-Request-Id"
MAX_RETRY_AFTER_SECONDS = 30  # a longer wait is reported to the learner instead of slept
# The longest pause a Retry-After may ask of the sync: more (a day, 3,000 years) is a
# broken or hostile platform, and a learner's progress must not wait that long.
LONGEST_PAUSE_SECONDS = 3600.0
MAX_ANSWER_BYTES = 8 * 1024 * 1024  # an answer read whole (JSON, a credential, a PDF)
RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class NetworkConfig:
    base_url: str
    timeout_seconds: float = 20.0
    connect_timeout_seconds: float = 5.0
    retries: int = 3
    proxy: str = "system"  # "system", "none" or a proxy URL
    ca_bundle: str = ""  # extra PEM bundle; empty means the default trust store
    backoff_factor: float = 0.5
    # Over for each request, retries and body included; 0: three times timeout_seconds.
    # Read timeouts restart at every byte, so only this bounds a trickling answer.
    deadline_seconds: float = 0.0
    max_answer_bytes: int = MAX_ANSWER_BYTES
    max_json_depth: int = jsonlimits.MAX_DEPTH

    @property
    def deadline(self) -> float:
        return self.deadline_seconds or 3 * self.timeout_seconds


class PlatformUnreachable(UserFacingError):
    """No answer: offline, DNS failure, refused connection, timeout."""


class PlatformSlow(PlatformUnreachable):
    """Reached and asked, but the answer did not come in time: slow, not offline."""


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


class HttpClient:
    def __init__(self, config: NetworkConfig, session: requests.Session | None = None) -> None:
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        # Retries are this client's own (see ``request``): each attempt's timeouts shrink
        # to what is left of the request's deadline, which urllib3's cannot do.
        adapter = HTTPAdapter(max_retries=0, pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.hooks["response"].append(self.bounded_body_hook)
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
        patience: float = 1.0,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request; raise a user-facing error unless the status is expected.

        Unless ``stream``, the body is read here, bounded (``read_answer``), before the
        caller sees the response; a streamed body is the caller's to read, but the
        answer's headers still had to come before the deadline. ``patience`` stretches the
        wait for the answer and the deadline (a large batch takes a store longer)."""
        request_id = uuid.uuid4().hex
        all_headers = {REQUEST_ID_HEADER: request_id, **(headers or {})}
        if self.config.ca_bundle:
            # Given per request: requests lets REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE from the
            # environment win over the session's own setting (psf/requests#3829), and a
            # centre's certificate authority would then be silently ignored.
            kwargs.setdefault("verify", self.config.ca_bundle)
        deadline = Deadline(self.config.deadline * max(1.0, patience))
        kwargs["timeout_seconds"] = self.config.timeout_seconds * max(1.0, patience)
        response = self._send_with_retries(method, path, all_headers, deadline, request_id, kwargs)
        log.debug(
            "%s %s -> %s [%s]", method, path, response.status_code, _ids(response, request_id)
        )
        if response.status_code not in expect:
            self._read_whole(response, deadline, request_id, quiet=True)
            raise error_from_response(response, request_id)
        if not stream:
            self._read_whole(response, deadline, request_id)
        return response

    def _send_with_retries(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        deadline: Deadline,
        request_id: str,
        kwargs: dict[str, Any],
    ) -> requests.Response:
        """Send, retrying what may be retried (a connection never made; an idempotent
        request that got no answer or a passing overload), until the deadline."""
        retryable_method = method.upper() in IDEMPOTENT
        attempt = 0
        while True:
            last_try = attempt >= self.config.retries
            try:
                response = self._send_once(method, path, headers, deadline, kwargs)
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
            except (requests.exceptions.RequestException, AnswerTooSlow) as error:
                may_retry = retryable_method or _never_sent(error)
                if last_try or not may_retry or not self._pause(attempt, None, deadline):
                    raise _unreachable(method, path, request_id, error, deadline) from error
                attempt += 1
                continue
            if response.status_code in RETRY_STATUSES and retryable_method and not last_try:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if wait is not None and wait > MAX_RETRY_AFTER_SECONDS:
                    response.close()
                    raise _busy_error(wait, request_id)
                if self._pause(attempt, wait, deadline):
                    response.close()
                    attempt += 1
                    continue
            return response

    def _send_once(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        deadline: Deadline,
        kwargs: dict[str, Any],
    ) -> requests.Response:
        left = deadline.left()
        if left <= 0:
            raise AnswerTooSlow("deadline passed before sending")
        kwargs = dict(kwargs)  # each try as asked: what is taken out here stays for the next
        timeout = (
            min(self.config.connect_timeout_seconds, left),
            min(kwargs.pop("timeout_seconds", self.config.timeout_seconds), left),
        )
        follow = kwargs.pop("allow_redirects", True)
        url, seen = self.url(path), set[str]()
        while True:
            response = self.session.request(
                method,
                url,
                headers=headers,
                timeout=timeout,
                stream=True,
                allow_redirects=False,
                **kwargs,
            )
            if not (follow and response.is_redirect):
                return response
            try:
                url = next_hop(method, headers, url, response, seen)
            except RedirectLoop:
                raise PlatformError(
                    _("The platform's address sends requests round in circles."),
                    _("Tell the platform's team or your proxy's administrator; nothing is lost."),
                    status=response.status_code,
                ) from None
            except RedirectRefused:
                raise PlatformError(
                    _("The platform sent this request elsewhere; Companion does not follow it."),
                    _("Your data stays here. Tell the platform's team if it lasts."),
                    status=response.status_code,
                ) from None

    def _pause(self, attempt: int, retry_after: float | None, deadline: Deadline) -> bool:
        """Wait before the next try; False when that would pass the deadline."""
        if retry_after is not None:
            pause = retry_after
        elif attempt == 0:
            pause = 0.0  # as urllib3 did: the first retry goes at once
        else:
            pause = backoff_delay(attempt - 1, self.config.backoff_factor, 60.0)
        if pause >= deadline.left():
            return False
        time.sleep(pause)
        return True

    def _read_whole(
        self,
        response: requests.Response,
        deadline: Deadline,
        request_id: str,
        quiet: bool = False,
    ) -> None:
        """Read the body (bounded) so that ``.content``, ``.text`` and ``decode_json``
        see it; ``quiet``: an error answer's body, whose reading problems are not news."""
        try:
            read_answer(response, self.config.max_answer_bytes, deadline)
        except UserFacingError as error:
            if quiet:
                response._content = b""
                return
            error.reference = request_id
            raise

    def bounded_body_hook(self, response: requests.Response, *_: Any, **kwargs: Any) -> None:
        """A response hook: a body requests would read whole on its own is read bounded
        first (a redirect's body, which requests consumes before following it; every
        answer of a session that does not stream, such as the OAuth client's). An answer
        too big or too slow raises its user-facing error from here."""
        if kwargs.get("stream") and not response.is_redirect:
            return
        read_answer(response, self.config.max_answer_bytes, Deadline(self.config.deadline))

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


def read_answer(response: requests.Response, max_bytes: int, deadline: Deadline) -> bytes:
    """The one way to read a body whole (STYLE 14): at most ``max_bytes`` after
    decompression, before ``deadline``. Raises a user-facing error quoting the request."""
    if _already_read(response):
        return response.content
    request_id = sent_request_id(response) or new_reference()
    try:
        body = read_body(response, max_bytes, deadline)
    except AnswerTooBig as error:
        log.warning("answer too big from %s [%s]: %s", _where(response), request_id, error)
        raise _malformed(request_id) from None
    except AnswerTooSlow as error:
        log.warning("answer too slow from %s [%s]: %s", _where(response), request_id, error)
        raise _too_slow(request_id) from None
    except AnswerCut as error:
        log.info("answer cut from %s [%s]: %s", _where(response), request_id, error)
        raise _cannot_reach(request_id) from None
    response._content = body
    response._content_consumed = True  # type: ignore[attr-defined]
    return body


def decode_json(response: requests.Response, max_depth: int = jsonlimits.MAX_DEPTH) -> Any:
    """The JSON of a response read by ``HttpClient.request`` (bounded), nested at most
    ``max_depth`` deep."""
    request_id = sent_request_id(response) or new_reference()
    try:
        return jsonlimits.loads(read_answer(response, MAX_ANSWER_BYTES, Deadline(60.0)), max_depth)
    except ValueError as error:
        log.warning(
            "unreadable JSON from %s [%s]: %s",
            _where(response),
            _ids(response, request_id),
            type(error).__name__,
        )
        raise _malformed(request_id) from None


def _already_read(response: requests.Response) -> bool:
    """requests marks a body not read yet with ``_content = False``."""
    return getattr(response, "_content", False) is not False


def _where(response: requests.Response) -> str:
    request = getattr(response, "request", None)
    return str(getattr(request, "path_url", "") or response.url)


def _malformed(request_id: str) -> MalformedResponse:
    return MalformedResponse(
        _("The platform sent an answer Companion cannot read."),
        _(
            "This is usually temporary. If it lasts, give support staff the reference {reference}."
        ).format(reference=request_id),
        reference=request_id,
    )


def _too_slow(request_id: str) -> PlatformSlow:
    return PlatformSlow(
        _("The platform is taking too long to answer."),
        _(
            "Companion stopped waiting and will try again later; your work is kept on "
            "this computer."
        ),
        reference=request_id,
    )


def _never_sent(error: BaseException) -> bool:
    """A connection that was never made: any request may be tried again."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    cause = error.args[0] if error.args else None
    return isinstance(getattr(cause, "reason", None), NewConnectionError)


def _unreachable(
    method: str, path: str, request_id: str, error: BaseException, deadline: Deadline
) -> PlatformUnreachable:
    if isinstance(error, (AnswerTooSlow, requests.exceptions.ReadTimeout)) or deadline.left() <= 0:
        log.warning(
            "platform too slow for %s %s [%s]: gave up after %.1f s",
            method,
            path,
            request_id,
            deadline.seconds - deadline.left(),
        )
        return _too_slow(request_id)
    log.info(
        "platform unreachable for %s %s [%s]: %s",
        method,
        path,
        request_id,
        type(error).__name__,
    )
    return _cannot_reach(request_id)


def _cannot_reach(request_id: str) -> PlatformUnreachable:
    return PlatformUnreachable(
        _("The platform cannot be reached."),
        _("Check your internet connection. Companion keeps working offline and will try again."),
        reference=request_id,
    )


def _busy_error(seconds: float, request_id: str) -> PlatformError:
    minutes = max(1, round(min(seconds, LONGEST_PAUSE_SECONDS) / 60))
    return PlatformError(
        _("The platform is busy."),
        _("Companion will try again in about {minutes} min.").format(minutes=minutes),
        status=503,
        request_id=request_id,
        retry_after=seconds,
    )


def error_from_response(response: requests.Response, request_id: str) -> PlatformError:
    problem: dict[str, Any] = {}
    if "json" in response.headers.get("Content-Type", "") and response._content:
        try:
            loaded = jsonlimits.loads(response.content)
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
    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
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
