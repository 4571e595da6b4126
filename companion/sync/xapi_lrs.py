"""The xAPI 1.0.3 statements resource of any learning record store (the platform's own,
or one it names, such as Ralph).

What the standard asks of a client, and what real stores do within it:

- every request carries ``X-Experience-API-Version``;
- POST sends an array; the answer is ``200`` with the ids stored *now*. A store may leave
  out ids it already had (Ralph does), and answers ``204`` with no body when it had every
  one: both mean the whole batch is kept. A ``200`` naming ids that were not sent, or no id
  at all, is not an acknowledgement;
- ``409``: a statement with a known id but other content. Resending it can never succeed;
- GET filters by ``agent``, ``since`` (stored after) and ``limit``; ``more`` is a relative
  link to the next page, on the same server; ``X-Experience-API-Consistent-Through`` says up
  to when the answer is complete, which is where the next pull may start.

Each page also says where a later query may take up what follows it (``Page.resume``): its
own address, read again then with what follows it (one page already known). A store
without a consistent-through time (Ralph) is read again from there, in its own order,
instead of from its first statement (issue 28); a link the store no longer knows (a 4xx,
or an empty page) starts again from the beginning.

The learner's access token is the bearer, refreshed after a 401 as for the platform.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import requests

from companion.auth.discovery import origin_of
from companion.i18n import _
from companion.sync.client import MalformedResponse, PlatformError, PlatformSlow, decode_json

log = logging.getLogger("companion.sync")

XAPI_VERSION = "1.0.3"
VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
# One pull brings at most this many statements; the next sync goes on from the last page
# kept. A `more` link that never ends must not keep a sync busy.
MAX_STATEMENTS_PER_PULL = 20_000
# A stored link refused with these is forgotten (expired, or a store rebuilt): start again.
FORGOTTEN_LINK = (400, 404, 410, 422)
# A batch of this many statements gets twice the usual wait for its answer (100: three).
PATIENCE_PER_STATEMENTS = 50

Request = Callable[..., requests.Response]  # (method, url, **kwargs), authorised


class Page(NamedTuple):
    statements: list[dict[str, Any]]
    consistent_through: str  # "" when the store did not say
    resume: str = ""  # this page's link, to read it again later with what follows; "" if empty


def is_link(since: str) -> bool:
    """``since`` is a page's ``resume`` link rather than a time."""
    return since.startswith(("/", "http://", "https://"))


class XapiStatements:
    def __init__(self, endpoint: str, request: Request) -> None:
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.resource = urljoin(self.endpoint, "statements")
        self._request = request
        self.complete = True  # False: the last query stopped before the store's last page

    def post(self, statements: list[dict[str, Any]]) -> None:
        """Store a batch; returns only when the store has every statement of it.

        A store slower than the wait (issue 24: an LRS slower than the read timeout was
        shown as offline, and its answers never arrived in time) gets longer for a larger
        batch, then the same statements in halves: a store that kept the batch it answered
        late says it already has them (``204``, or none of the ids), which acknowledges
        them; resending is harmless, statement ids being idempotent. Halved twice at most:
        a store that never answers costs three waits."""
        self._post_in_halves(statements, 2)

    def _post_in_halves(self, statements: list[dict[str, Any]], halvings: int) -> None:
        try:
            self._post(statements)
        except PlatformSlow:
            if halvings <= 0 or len(statements) < 2:
                raise
            middle = len(statements) // 2
            log.info("slow store: sending %d statements in halves", len(statements))
            self._post_in_halves(statements[:middle], halvings - 1)
            self._post_in_halves(statements[middle:], halvings - 1)

    def _post(self, statements: list[dict[str, Any]]) -> None:
        response = self._request(
            "POST",
            self.resource,
            json=statements,
            headers={VERSION_HEADER: XAPI_VERSION},
            expect=(200, 204),
            patience=1 + len(statements) / PATIENCE_PER_STATEMENTS,
        )
        if response.status_code == 204:
            return  # every statement was already stored
        sent = {s["id"] for s in statements}
        stored = decode_json(response)
        if (
            not isinstance(stored, list)
            or not stored
            or not all(isinstance(i, str) for i in stored)
            or not set(stored) <= sent
        ):
            raise _not_an_acknowledgement()

    def query(self, agent: dict[str, Any], since: str, limit: int) -> Iterator[Page]:
        """The agent's statements stored after ``since``, oldest first, page by page.
        ``since`` is a time, or a page's ``resume`` link to take up from there."""
        params: dict[str, str] | None = {
            "agent": json.dumps(agent, separators=(",", ":")),
            "limit": str(limit),
            "ascending": "true",
        }
        url = self.resource
        if is_link(since):
            if origin_of(urljoin(self.endpoint, since)) != origin_of(self.endpoint):
                log.warning("the last pull stopped at another store: from the start")
                yield from self.query(agent, "", limit)
                return
            url, params = self._next_page(since), None
        elif since:
            assert params is not None
            params["since"] = since
        self.complete = False
        pages = self._pages(url, params)
        try:
            first = next(pages, None)
        except PlatformError as error:
            if params is not None or error.status not in FORGOTTEN_LINK:
                raise
            first = None
        if params is None and (first is None or not (first.statements or first.resume)):
            # The page a resume link names had statements when it was kept: none now
            # means the store lost that place (rebuilt, or the link expired).
            log.warning("the store no longer knows where the last pull stopped: from the start")
            yield from self.query(agent, "", limit)
            return
        if first is not None:
            yield first
            yield from pages

    def _pages(self, url: str, params: dict[str, str] | None) -> Iterator[Page]:
        seen_urls, seen_ids = {url}, set[str]()
        while True:  # a page is never empty while it has a `more` link (checked below)
            response = self._request(
                "GET", url, params=params, headers={VERSION_HEADER: XAPI_VERSION}
            )
            statements, more = _statement_result(decode_json(response))
            fresh = [s for s in statements if _id_of(s) not in seen_ids]
            seen_ids.update(_id_of(s) for s in statements)
            through = response.headers.get(CONSISTENT_THROUGH, "")
            here = _relative(response.url or url)
            yield Page(fresh, through, here if statements else "")
            if not more:
                self.complete = True
                return
            if not fresh:
                log.warning("pull stopped: a page of the store brought nothing new")
                return
            url, params = self._next_page(more), None
            if url in seen_urls:
                log.warning("pull stopped: the store's `more` link came back to a page")
                return
            seen_urls.add(url)
            if len(seen_ids) >= MAX_STATEMENTS_PER_PULL:  # whatever size the store's pages
                log.warning("pull stopped after %d statements; the rest next time", len(seen_ids))
                return

    def _next_page(self, more: str) -> str:
        """``more`` is relative to the server; it may not send the token elsewhere."""
        following = urljoin(self.endpoint, more)
        if origin_of(following) != origin_of(self.endpoint):
            raise _unreadable()
        return following


def _statement_result(data: Any) -> tuple[list[dict[str, Any]], str]:
    if not isinstance(data, dict) or not isinstance(data.get("statements"), list):
        raise _unreadable()
    more = data.get("more") or ""
    if not isinstance(more, str):
        raise _unreadable()
    return [s for s in data["statements"] if isinstance(s, dict)], more


def _relative(url: str) -> str:
    """A page's own address as the store would write a `more` link: path and query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _id_of(statement: dict[str, Any]) -> str:
    return str(statement.get("id", ""))


def _unreadable() -> MalformedResponse:
    return MalformedResponse(
        _("The learning record store's answer could not be read."),
        _("Companion will try again later; your progress is kept."),
    )


def _not_an_acknowledgement() -> MalformedResponse:
    return MalformedResponse(
        _("The learning record store did not confirm that it kept your progress."),
        _("Nothing is lost: Companion keeps it and sends it again later."),
    )
