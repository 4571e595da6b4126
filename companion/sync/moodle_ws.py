"""A Moodle site's mobile web services, as the official Moodle App calls them.

Facts this follows (seen on a real Moodle 5.1, ``../shared/moodle/README.md``):

- the site says how learners sign in before anyone does: ``tool_mobile_get_public_config``
  through ``lib/ajax/service-nologin.php`` (``typeoflogin`` 1 in the app, 2 and 3 in a
  browser);
- a token comes from ``login/token.php`` with ``service=moodle_mobile_app``;
- every call is ``POST webservice/rest/server.php`` with ``wstoken``, ``wsfunction`` and
  ``moodlewsrestformat=json``, and **errors come back as HTTP 200** with a JSON body naming
  an ``exception`` or ``errorcode``: every answer is looked at before it is believed.

Passwords and tokens never reach a log: the token is given to the log redactor as soon as
it is known, and the password is sent once and forgotten.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

from companion.auth.discovery import is_safe_url
from companion.auth.errors import SignInError, SignInRequired
from companion.errors import UserFacingError
from companion.i18n import _
from companion.logs import REDACTOR
from companion.platform import URL_SCHEME, SignInKind
from companion.sync.client import HttpClient, MalformedResponse, PlatformError, decode_json

log = logging.getLogger("companion.sync")

MOBILE_SERVICE = "moodle_mobile_app"

REST_PATH = "webservice/rest/server.php"
# Error codes that mean the token is no longer good: the account must sign in again.
TOKEN_REFUSED = frozenset({"invalidtoken", "expiredtoken", "accessexception"})
SIGN_IN_KINDS = {1: SignInKind.PASSWORD, 2: SignInKind.BROWSER_TOKEN, 3: SignInKind.BROWSER_TOKEN}


class MoodleError(UserFacingError):
    """The site refused a call; ``code`` is Moodle's own error code."""

    def __init__(self, message: str, hint: str, code: str) -> None:
        super().__init__(message, hint)
        self.code = code


class PublicConfig(NamedTuple):
    """What a site says about itself before anyone signs in."""

    address: str  # its wwwroot: where the web services and files are
    name: str
    sign_in_kind: SignInKind
    launch_url: str  # the browser sign-in's page (typeoflogin 2 and 3)


def check_site_address(address: str) -> str:
    """The learner's password and token go there: https only, except this computer."""
    cleaned = address.strip().rstrip("/")
    if not is_safe_url(cleaned):
        raise UserFacingError(
            _("The site's address must start with https://."),
            _("Check the address with your training centre."),
        )
    return cleaned


def public_config(client: HttpClient) -> PublicConfig:
    """Whether the address is a Moodle site with the mobile services on, and how to sign in."""
    payload = [{"index": 0, "methodname": "tool_mobile_get_public_config", "args": {}}]
    try:
        response = client.request(
            "POST",
            "lib/ajax/service-nologin.php?info=tool_mobile_get_public_config",
            json=payload,
            allow_redirects=False,
        )
    except PlatformError as error:  # 404, a redirect to a portal...: some other site
        log.info("no Moodle public configuration at this address (%s)", error.status)
        raise not_moodle() from None
    answer = _json(response)
    first = answer[0] if isinstance(answer, list) and answer else answer
    if not isinstance(first, dict) or first.get("error") or not isinstance(first.get("data"), dict):
        raise not_moodle()
    data = first["data"]
    if not data.get("enablewebservices") or not data.get("enablemobilewebservice"):
        raise UserFacingError(
            _("This Moodle site does not let apps connect."),
            _("Ask the site's administrator to enable the mobile web services."),
        )
    kind = SIGN_IN_KINDS.get(
        data.get("typeoflogin") if isinstance(data.get("typeoflogin"), int) else 0
    )
    address, name = data.get("httpswwwroot") or data.get("wwwroot"), data.get("sitename")
    launch = data.get("launchurl", "")
    if kind is None or not isinstance(address, str) or not isinstance(name, str):
        raise not_moodle()
    return PublicConfig(
        check_site_address(address), name, kind, launch if isinstance(launch, str) else ""
    )


def token_for(client: HttpClient, username: str, password: str) -> str:
    """Sign in with a name and password typed in Companion; the token, never stored here."""
    check_site_address(client.base_url)
    response = client.request(
        "POST",
        "login/token.php",
        data={"username": username, "password": password, "service": MOBILE_SERVICE},
        allow_redirects=False,
    )
    answer = _json(response)
    token = answer.get("token") if isinstance(answer, dict) else None
    if isinstance(token, str) and token.isalnum():
        REDACTOR.remember(token)
        private = answer.get("privatetoken")
        if isinstance(private, str) and private:
            REDACTOR.remember(private)
        return token
    code = answer.get("errorcode", "") if isinstance(answer, dict) else ""
    if code == "invalidlogin":
        raise SignInError(
            _("The username or password is not right."),
            _("Check them and try again; the site may lock the account after many tries."),
        )
    log.info("Moodle sign-in refused: %s", str(code)[:40] or "no token in the answer")
    raise SignInError(
        _("The site did not let you sign in ({code}).").format(code=str(code)[:40] or "?"),
        _("Try again later, or ask your training centre."),
    )


def launch_address(launch_url: str, passport: str) -> str:
    """Where the system browser signs the learner in (typeoflogin 2 and 3)."""
    query = urlencode({"service": MOBILE_SERVICE, "passport": passport, "urlscheme": URL_SCHEME})
    return f"{launch_url}?{query}"


def token_from_launch(returned: str, wwwroot: str, passport: str) -> str:
    """The token in ``companion-desktop://token=<base64 of md5(wwwroot + passport):::token
    [:::private token]>``, once the md5 proves the answer is for this sign-in."""
    prefix = f"{URL_SCHEME}://token="
    if not returned.startswith(prefix):
        raise _not_this_sign_in()
    try:
        payload = base64.b64decode(returned[len(prefix) :].strip().rstrip("/"), validate=True)
        parts = payload.decode("ascii").split(":::")
    except (ValueError, UnicodeDecodeError):
        raise _not_this_sign_in() from None
    expected = hashlib.md5((wwwroot + passport).encode(), usedforsecurity=False).hexdigest()
    if len(parts) < 2 or not hmac.compare_digest(parts[0], expected) or not parts[1].isalnum():
        raise _not_this_sign_in()
    REDACTOR.remember(parts[1])
    if len(parts) > 2 and parts[2]:
        REDACTOR.remember(parts[2])
    return parts[1]


def _not_this_sign_in() -> SignInError:
    return SignInError(
        _("This answer is not the one of the sign-in Companion started."),
        _("Start the sign-in again from Companion's Account tab."),
    )


class MoodleClient:
    """Calls a site's web services with one account's token."""

    def __init__(self, http: HttpClient, token: str) -> None:
        self.http = http
        self.token = token
        REDACTOR.remember(token)

    def call(self, function: str, **params: Any) -> Any:
        data = {
            "wstoken": self.token,
            "wsfunction": function,
            "moodlewsrestformat": "json",
            **flatten(params),
        }
        response = self.http.request("POST", REST_PATH, data=data, allow_redirects=False)
        answer = _json(response)
        if isinstance(answer, dict) and ("exception" in answer or "errorcode" in answer):
            raise _refusal(function, answer)
        return answer


def flatten(params: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Moodle's REST form encoding: ``options[0][name]=…`` for lists and objects."""
    flat: dict[str, str] = {}
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.update(flatten(value, name))
        elif isinstance(value, list | tuple):
            flat.update(flatten({str(i): item for i, item in enumerate(value)}, name))
        elif isinstance(value, bool):
            flat[name] = "1" if value else "0"
        else:
            flat[name] = str(value)
    return flat


def _json(response: Any) -> Any:
    try:
        return decode_json(response)
    except MalformedResponse:
        raise not_moodle() from None


def _refusal(function: str, answer: Mapping[str, Any]) -> UserFacingError:
    code = str(answer.get("errorcode", ""))[:60]
    log.info("Moodle refused %s: %s", function, code or "no error code")
    if code in TOKEN_REFUSED:
        return SignInRequired(
            _("The site ended your session. Sign in to it again."),
            _("Your downloads and progress are kept on this computer."),
        )
    return MoodleError(
        _("The site refused a request ({code}).").format(code=code or "?"),
        _("Try again later. If it lasts, tell your training centre."),
        code,
    )


def not_moodle() -> UserFacingError:
    return UserFacingError(
        _("This address is not a Moodle site Companion can use."),
        _("Check the address: it is the one you open in a browser to reach your courses."),
    )
