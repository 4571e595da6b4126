"""A Moodle course's contents (``core_course_get_contents``) in the domain's terms.

Sections become parts, activities become chapters. A page is a text block (its
``index.html``, downloaded and checked like any file), a label is inline text, a file
resource is a file (or image, audio, video) block, a URL is a link that needs a connection,
and what Companion cannot show offline (a quiz attempt, a forum...) is an "online" block
that opens on the site. An activity the learner cannot open yet stays in the outline with
the site's reason, instead of silently vanishing.

Moodle publishes no digest of a file before it is downloaded: an asset's key names the
file (site, address, version, size), and its bytes are checked against the SHA-1 the site
sends as ETag (``check="etag-sha1"``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from companion.domain import (
    Asset,
    Block,
    Chapter,
    ContractError,
    CourseManifest,
    Part,
)
from companion.i18n import _
from companion.manifest_format import manifest_json

_COURSE_REF = re.compile(r"^moodle-([0-9a-f]{10})-([1-9][0-9]{0,9})$")
_TAGS = re.compile(r"<[^>]*>")
MEDIA_BLOCKS = {"image": "image", "audio": "audio", "video": "video"}


def site_key(address: str) -> str:
    """A short, stable name for a site, in course references and file names."""
    return hashlib.sha256(address.rstrip("/").encode("utf-8")).hexdigest()[:10]


def course_ref(address: str, course_id: int) -> str:
    """How Companion names a Moodle course: unique across sites, safe in paths and IRIs."""
    return f"moodle-{site_key(address)}-{course_id}"


def course_id_of(reference: str, address: str) -> int:
    """The site's own id of a course reference made for ``address``."""
    match = _COURSE_REF.match(reference)
    if match is None or match.group(1) != site_key(address):
        raise ValueError(f"not a course of this site: {reference[:80]!r}")
    return int(match.group(2))


def outline(address: str, course: Mapping[str, Any], sections: Any) -> CourseManifest:
    """The course as a manifest; its version changes whenever anything in it changes."""
    if not isinstance(sections, list):
        raise ContractError("contents: expected a list of sections")
    course_id = _int(course, "id", "course")
    parts = tuple(_part(address, section, i) for i, section in enumerate(sections))
    draft = CourseManifest(
        id=course_ref(address, course_id),
        version="",
        title=plain(_text(course, "fullname", "course")),
        language=str(course.get("lang") or "fr")[:12],
        parts=tuple(p for p in parts if p.chapters),
        activity_id=f"{address}/course/view.php?id={course_id}",
    )
    canonical = json.dumps(manifest_json(draft), sort_keys=True, ensure_ascii=False)
    return draft._replace(version="v-" + hashlib.sha256(canonical.encode()).hexdigest()[:16])


def plain(fragment: str) -> str:
    """A name or a reason as plain text: the site's HTML is never shown as markup here."""
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def _part(address: str, section: Any, index: int) -> Part:
    where = f"contents[{index}]"
    modules = section.get("modules") if isinstance(section, Mapping) else None
    if not isinstance(modules, list):
        raise ContractError(f"{where}.modules: expected a list")
    chapters = tuple(_chapter(address, m, f"{where}.modules[{i}]") for i, m in enumerate(modules))
    name = plain(_text(section, "name", where)) or _("Section {n}").format(n=index)
    return Part(f"s{_int(section, 'id', where)}", name, chapters)


def _chapter(address: str, module: Any, where: str) -> Chapter:
    cmid = _int(module, "id", where)
    modname = _text(module, "modname", where)
    title = plain(_text(module, "name", where))
    url = module.get("url") if isinstance(module.get("url"), str) else ""
    activity = (
        url
        if url.startswith(("https://", "http://"))
        else f"{address}/mod/{modname}/view.php?id={cmid}"
    )
    if module.get("uservisible") is False:
        reason = plain(str(module.get("availabilityinfo") or "")) or _("Not available yet.")
        return Chapter(f"cm{cmid}", title, (), activity, reason)
    return Chapter(
        f"cm{cmid}", title, tuple(_blocks(address, module, modname, title, activity)), activity
    )


def _blocks(
    address: str, module: Mapping[str, Any], modname: str, title: str, activity: str
) -> Iterator[Block]:
    files = [
        c
        for c in module.get("contents") or []
        if isinstance(c, Mapping) and c.get("type") == "file"
    ]
    if modname == "label":
        yield Block("text", title=title, text=str(module.get("description") or ""))
    elif modname == "page":  # its text first, then what the text shows (the site sorts by name)
        for file in sorted(files, key=lambda f: f.get("filename") != "index.html"):
            asset = _asset(address, file)
            if file.get("filename") == "index.html":  # made when asked: no ETag to check
                page = asset._replace(media_type="text/html", check="length")
                yield Block("text", title=title, asset=page)
            else:
                yield Block(
                    _media_block(asset.media_type),
                    title=plain(str(file.get("filename", ""))),
                    asset=asset,
                )
    elif modname == "resource" and files:
        for file in files:
            asset = _asset(address, file)
            yield Block(_media_block(asset.media_type), title=title, asset=asset)
    elif modname == "url":
        links = [c.get("fileurl") for c in module.get("contents") or [] if isinstance(c, Mapping)]
        link = next(
            (u for u in links if isinstance(u, str) and u.startswith(("https://", "http://"))), ""
        )
        yield Block("link", title=title, url=link or activity)
    elif modname == "quiz":  # answered in Companion, online, and graded by the site
        yield Block("site_quiz", title=title, url=activity)
    else:  # a forum, an assignment...: on the site, with a connection
        yield Block("online", title=title, url=activity)


def _asset(address: str, file: Mapping[str, Any]) -> Asset:
    source = file.get("fileurl")
    if not isinstance(source, str) or not source.startswith(address + "/"):
        raise ContractError("contents: a file's address is not on the site")
    size, version = _int_or_zero(file, "filesize"), _int_or_zero(file, "timemodified")
    media_type = file.get("mimetype") if isinstance(file.get("mimetype"), str) else ""
    name = f"{address}|{source}|{version}|{size}".encode()
    key = hashlib.sha256(name).hexdigest()
    return Asset(key, max(0, size), media_type or "application/octet-stream", source, "etag-sha1")


def _media_block(media_type: str) -> str:
    return MEDIA_BLOCKS.get(media_type.split("/", 1)[0], "file")


def _int_or_zero(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _int(data: Any, name: str, where: str) -> int:
    value = data.get(name) if isinstance(data, Mapping) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ContractError(f"{where}.{name}: expected an integer")
    return value


def _text(data: Any, name: str, where: str) -> str:
    value = data.get(name) if isinstance(data, Mapping) else None
    if not isinstance(value, str):
        raise ContractError(f"{where}.{name}: expected text")
    return value
