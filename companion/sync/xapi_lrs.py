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

The learner's access token is the bearer, refreshed after a 401 as for the platform.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import requests

from companion.i18n import _
from companion.sync.client import MalformedResponse, decode_json

XAPI_VERSION = "1.0.3"
VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
MAX_PAGES = 1000  # a `more` link that never ends must not keep a sync busy forever

Request = Callable[..., requests.Response]  # (method, url, **kwargs), authorised


class Page(NamedTuple):
    statements: list[dict[str, Any]]
    consistent_through: str  # "" when the store did not say


class XapiStatements:
    def __init__(self, endpoint: str, request: Request) -> None:
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.resource = urljoin(self.endpoint, "statements")
        self._request = request

    def post(self, statements: list[dict[str, Any]]) -> None:
        """Store a batch; returns only when the store has every statement of it."""
        response = self._request(
            "POST",
            self.resource,
            json=statements,
            headers={VERSION_HEADER: XAPI_VERSION},
            expect=(200, 204),
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
        """The agent's statements stored after ``since``, oldest first, page by page."""
        params: dict[str, str] | None = {
            "agent": json.dumps(agent, separators=(",", ":")),
            "limit": str(limit),
            "ascending": "true",
        }
        if since:
            assert params is not None
            params["since"] = since
        url = self.resource
        for _page in range(MAX_PAGES):
            response = self._request(
                "GET", url, params=params, headers={VERSION_HEADER: XAPI_VERSION}
            )
            statements, more = _statement_result(decode_json(response))
            yield Page(statements, response.headers.get(CONSISTENT_THROUGH, ""))
            if not more:
                return
            url, params = self._next_page(more, url), None
        raise _unreadable()  # MAX_PAGES pages and still more: not a store to trust

    def _next_page(self, more: str, current: str) -> str:
        """``more`` is relative to the server; it may not send the token elsewhere."""
        following = urljoin(self.endpoint, more)
        if _origin(following) != _origin(self.endpoint) or following == current:
            raise _unreadable()
        return following


def _statement_result(data: Any) -> tuple[list[dict[str, Any]], str]:
    if not isinstance(data, dict) or not isinstance(data.get("statements"), list):
        raise _unreadable()
    more = data.get("more") or ""
    if not isinstance(more, str):
        raise _unreadable()
    return [s for s in data["statements"] if isinstance(s, dict)], more


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


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
