"""A Moodle site's badges (Open Badges 2.0, "hosted"): the list, each issue's baked image
with its assertion inside, and the assertion the site hosts, for the online check.

Facts followed (a real Moodle 5.1): ``core_badges_get_user_badges`` lists the learner's
badges; the baked PNG is at ``pluginfile.php/<the learner's context>/badges/userbadge/
<badge id>/<unique hash>`` (the context from ``core_files_get_unused_draft_itemid``); its
``iTXt`` chunk ``openbadges`` holds the assertion; ``badges/assertion.php?b=<hash>`` hosts
it. Images are read bounded and parsed without decoding a pixel.
"""

from __future__ import annotations

import logging
import re
import struct
import zlib
from typing import Any

from companion import jsonlimits
from companion.domain import HostedBadge
from companion.sync.client import HttpClient, decode_json
from companion.sync.moodle_ws import MoodleClient, MoodleError

log = logging.getLogger("companion.sync")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BADGE_BYTES = 4 * 1024 * 1024  # a baked badge is tens of kilobytes
MAX_ASSERTION_BYTES = 1024 * 1024
_HASH = re.compile(r"^[0-9a-f]{40}$")


def learner_badges(client: MoodleClient, http: HttpClient) -> list[HostedBadge]:
    """Every badge issued to the learner, each with its baked image (a badge whose image
    the site cannot give is left out, with a log line, and fetched again next time)."""
    answer = client.call("core_badges_get_user_badges")
    listed = answer.get("badges") if isinstance(answer, dict) else None
    if not isinstance(listed, list) or not listed:
        return []
    context = client.call("core_files_get_unused_draft_itemid").get("contextid")
    found = []
    for item in listed:
        try:
            found.append(_badge(client, http, item, context))
        except (KeyError, TypeError, ValueError, MoodleError) as error:
            log.warning("a badge was left out: %s", type(error).__name__)
    return found


def _badge(client: MoodleClient, http: HttpClient, item: Any, context: Any) -> HostedBadge:
    unique, badge_id = str(item["uniquehash"]), int(item["id"])
    if not _HASH.match(unique) or not isinstance(context, int):
        raise ValueError("not a badge issue")
    path = f"webservice/pluginfile.php/{context}/badges/userbadge/{badge_id}/{unique}"
    response = http.request("GET", f"{path}?token={client.token}", allow_redirects=False)
    image = response.content[: MAX_BADGE_BYTES + 1]
    if len(image) > MAX_BADGE_BYTES:
        raise ValueError("badge image too large")
    assertion = baked_assertion(image)
    verify = assertion.get("verify")
    verify = verify if isinstance(verify, dict) else {}
    return HostedBadge(
        id=unique,
        name=str(item.get("name", "")),
        description=str(item.get("description", "")),
        course_title=str(item.get("coursefullname") or ""),
        issuer=str(item.get("issuername", "")),
        issued_at=int(item.get("dateissued") or 0),
        image_png=image,
        assertion=assertion,
        email=str(item.get("email") or ""),
        verify_url=str(verify.get("url", "")),
    )


def hosted_assertion(http: HttpClient, verify_url: str) -> dict[str, Any]:
    """The assertion the site hosts now (public, no token)."""
    if not verify_url.startswith(http.base_url + "/badges/assertion.php?"):
        raise ValueError("a badge hosted elsewhere than its site")
    answer = decode_json(http.request("GET", verify_url, allow_redirects=False))
    if not isinstance(answer, dict):
        raise ValueError("not an assertion")
    return answer


def baked_assertion(png: bytes) -> dict[str, Any]:
    """The Open Badges assertion in a PNG's ``openbadges`` text chunk (iTXt or tEXt)."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if len(data) < length:
            break  # a truncated image: no assertion
        if kind in (b"iTXt", b"tEXt") and data.startswith(b"openbadges\x00"):
            return _assertion(kind, data[len(b"openbadges\x00") :])
        if kind == b"IEND":
            break
        position += 12 + length
    raise ValueError("no assertion in the image")


def _assertion(kind: bytes, rest: bytes) -> dict[str, Any]:
    if kind == b"iTXt":  # compression flag, method, language\0, translated keyword\0, text
        compressed = rest[:1] == b"\x01"
        rest = rest[2:]
        rest = rest.split(b"\x00", 2)[2] if rest.count(b"\x00") >= 2 else b""
        if compressed:
            inflater = zlib.decompressobj()
            rest = inflater.decompress(rest, MAX_ASSERTION_BYTES)
    text = rest[:MAX_ASSERTION_BYTES]
    answer = jsonlimits.loads(text) if text.strip().startswith(b"{") else None
    if not isinstance(answer, dict):
        raise ValueError("the baked assertion is not a JSON object")
    return answer
