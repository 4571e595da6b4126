"""Plain data the rest of the app speaks, parsed strictly from platform answers.

Parsing checks every field a screen relies on: a malformed answer raises
`ContractError` naming the field, instead of a KeyError deep in a view.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal, NamedTuple

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
BLOCK_TYPES: tuple[str, ...] = (
    *("text", "image", "audio", "video", "file", "quiz", "link", "online"),
    "site_quiz",  # a site's quiz (a Moodle's): answered in Companion, graded by the site
)
WEB_BLOCKS = ("link", "online", "site_quiz")  # they need a connection
# How a downloaded file is checked. "sha256": the asset's key is the SHA-256 of its bytes
# (the platform API v1). Otherwise the key only names the file (where it comes from and
# its version) and the bytes are checked against the SHA-1 the server gives as ETag
# ("etag-sha1": a Moodle file, whose digest is published only with the download) or the
# length the answer announces ("length": a Moodle page, made when asked, with no ETag).
ASSET_CHECKS: tuple[str, ...] = ("sha256", "etag-sha1", "length")


class ContractError(ValueError):
    """The platform's answer does not have the shape the API promises."""


class CatalogEntry(NamedTuple):
    id: str
    title: str
    summary: str
    category: str
    level: str
    language: str
    duration_minutes: int
    version: str
    size_bytes: int
    premium: bool


class Asset(NamedTuple):
    sha256: str  # the key in the content-addressed store (see ASSET_CHECKS)
    size: int  # 0 for a file whose size the platform does not know in advance
    media_type: str
    source: str = ""  # where its platform serves it; "": by its key (the platform API v1)
    check: str = "sha256"


class Choice(NamedTuple):
    id: str
    text: str


class Question(NamedTuple):
    id: str
    kind: Literal["single", "multiple"]
    prompt: str
    choices: tuple[Choice, ...]
    correct: frozenset[str]
    explanation: str


class Quiz(NamedTuple):
    id: str
    title: str
    pass_ratio: float
    questions: tuple[Question, ...]
    activity_id: str = ""  # the xAPI activity IRI the platform gives; "" if none


class Block(NamedTuple):
    type: str
    title: str = ""
    asset: Asset | None = None
    quiz: Quiz | None = None
    url: str = ""  # "link" and "online": the page it opens (needs a connection)
    text: str = ""  # a "text" block given inline (a Moodle label): HTML, sanitised when shown
    alt: str = ""  # an image's description by its author, for who cannot see it (issue 27)


class Chapter(NamedTuple):
    id: str
    title: str
    blocks: tuple[Block, ...]
    activity_id: str = ""
    # Why the learner cannot open it yet (hidden, restricted), as the site says; "": open.
    unavailable: str = ""


class Part(NamedTuple):
    id: str
    title: str
    chapters: tuple[Chapter, ...]


class CourseManifest(NamedTuple):
    id: str
    version: str
    title: str
    language: str
    parts: tuple[Part, ...]
    activity_id: str = ""

    def assets(self) -> list[Asset]:
        seen: dict[str, Asset] = {}
        for part in self.parts:
            for chapter in part.chapters:
                for block in chapter.blocks:
                    if block.asset is not None:
                        seen.setdefault(block.asset.sha256, block.asset)
        return list(seen.values())


class HostedBadge(NamedTuple):
    """An Open Badges 2.0 badge a site issued and hosts (a Moodle badge): no signature;
    its recipient is checked offline (the hashed e-mail in its assertion), its authenticity
    only online, against the assertion the site hosts at ``verify_url``."""

    id: str  # the site's unique hash of this issue (40 hex digits)
    name: str
    description: str
    course_title: str
    issuer: str
    issued_at: int  # seconds since the epoch
    image_png: bytes  # the baked image: the assertion is inside it
    assertion: dict[str, Any]  # as baked in the image
    email: str  # the learner's e-mail as the site knows it: the recipient check's input
    verify_url: str  # the hosted assertion


class SiteQuestion(NamedTuple):
    """A question of a site's quiz attempt (a Moodle quiz), read from its form: the learner
    answers it in Companion, and the site grades it."""

    slot: int
    kind: Literal["single", "multiple", "short", "other"]
    prompt: str  # plain text
    choices: tuple[Choice, ...]  # id: the value (or, for "multiple", the field) to send
    field: str  # the answer's field name ("single", "short"); "" otherwise
    hidden: tuple[tuple[str, str], ...]  # the form's own fields, sent back as they came


class SiteAttempt(NamedTuple):
    id: int
    quiz_name: str
    questions: tuple[SiteQuestion, ...]
    activity: str = ""  # the quiz's address on the site
    offline: bool = False  # the site lets it be answered offline and sent later
    out_of: float = 0.0  # the quiz's grade is out of this


class SiteGrade(NamedTuple):
    grade: float | None  # on the quiz's scale; None when the site does not show it yet
    out_of: float
    passed: bool | None  # against the quiz's pass grade; None when it has none


class CertificateSummary(NamedTuple):
    """A certificate as the platform lists it; the signed credential is fetched apart."""

    id: str
    course_id: str
    title: str
    issued_at: str


_SAFE_CERTIFICATE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def check_certificate_id(certificate_id: str) -> str:
    """A certificate id becomes a file name: refuse anything that could leave its folder."""
    if not _SAFE_CERTIFICATE_ID.match(certificate_id):
        raise ValueError(f"unsafe certificate id: {certificate_id!r}")
    return certificate_id


_SAFE_COURSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def is_course_id(value: object) -> bool:
    """A course id goes into URL paths, file names and xAPI IRIs: letters, digits, dots,
    dashes and underscores, starting with a letter or digit (no "/", no "..")."""
    return isinstance(value, str) and bool(_SAFE_COURSE_ID.match(value)) and ".." not in value


def check_course_id(value: str, where: str = "course") -> str:
    if not is_course_id(value):
        raise ContractError(f"{where}.id: not a valid course id: {value[:80]!r}")
    return value


def fallback_activity(course_id: str, item: str) -> str:
    """A stable, valid IRI for a platform that gives no activity id."""
    return f"urn:companion:{course_id}:{item}"


def course_activity(course: CourseManifest) -> str:
    return course.activity_id or fallback_activity(course.id, "course")


def completion_requirements(course: CourseManifest) -> set[tuple[str, str]]:
    """What completes a course, as (verb, activity) facts: every chapter read, every quiz
    passed, on any device. The platform issues the certificate by the same rule."""
    needed = set()
    for part in course.parts:
        for chapter in part.chapters:
            quiz = next((b.quiz for b in chapter.blocks if b.quiz is not None), None)
            if quiz is not None:
                needed.add(("passed", quiz.activity_id or fallback_activity(course.id, quiz.id)))
            else:
                activity = chapter.activity_id or fallback_activity(course.id, chapter.id)
                needed.add(("completed", activity))
    return needed


class Entitlement(NamedTuple):
    id: str
    programme: str
    status: str  # "pending", "active" or "expired"
    starts_on: date | None
    ends_on: date | None
    activated_at: str | None


class Account(NamedTuple):
    id: str
    name: str
    email: str
    entitlements: tuple[Entitlement, ...]
    xapi_endpoint: str = ""  # the learning record store the platform names; "": its own


# --- parsing -------------------------------------------------------------------------


def _field(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(data, Mapping):
        raise ContractError(f"{where}: expected an object")
    value = data.get(name)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    expected = " or ".join(k.__name__ for k in kinds)  # (int, float) has no __name__
    if isinstance(value, bool) and bool not in kinds:
        raise ContractError(f"{where}.{name}: expected {expected}")
    if not isinstance(value, kinds):
        raise ContractError(f"{where}.{name}: expected {expected}")
    return value


def _optional_str(data: Mapping[str, Any], name: str, where: str) -> str:
    """A text field that may be left out (then empty)."""
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ContractError(f"{where}.{name}: expected str")
    return value


def _list(data: Mapping[str, Any], name: str, where: str) -> list[Any]:
    value: list[Any] = _field(data, name, list, where)
    return value


def parse_catalog(data: Any) -> list[CatalogEntry]:
    courses = _list(data, "courses", "catalog")
    return [parse_catalog_entry(item, f"catalog.courses[{i}]") for i, item in enumerate(courses)]


def parse_catalog_entry(data: Any, where: str) -> CatalogEntry:
    return CatalogEntry(
        id=check_course_id(_field(data, "id", str, where), where),
        title=_field(data, "title", str, where),
        summary=_field(data, "summary", str, where),
        category=_field(data, "category", str, where),
        level=_field(data, "level", str, where),
        language=_field(data, "language", str, where),
        duration_minutes=_field(data, "duration_minutes", int, where),
        version=_field(data, "version", str, where),
        size_bytes=_field(data, "size_bytes", int, where),
        premium=_field(data, "premium", bool, where),
    )


def parse_asset(data: Any, where: str) -> Asset:
    sha = _field(data, "sha256", str, where)
    if not SHA256_HEX.match(sha):
        raise ContractError(f"{where}.sha256: not a lower-case sha256 digest")
    size = _field(data, "size", int, where)
    if size < 0:
        raise ContractError(f"{where}.size: negative")
    source = data.get("source", "")
    check = data.get("check", "sha256")
    if not isinstance(source, str) or (source and not source.startswith(("https://", "http://"))):
        raise ContractError(f"{where}.source: expected an http(s) address")
    if check not in ASSET_CHECKS:
        raise ContractError(f"{where}.check: unknown check {check!r}")
    return Asset(sha, size, _field(data, "media_type", str, where), source, check)


def parse_question(data: Any, where: str) -> Question:
    kind = _field(data, "kind", str, where)
    if kind not in ("single", "multiple"):
        raise ContractError(f"{where}.kind: unknown question kind {kind!r}")
    choices = tuple(
        Choice(
            _field(c, "id", str, f"{where}.choices[{i}]"),
            _field(c, "text", str, f"{where}.choices[{i}]"),
        )
        for i, c in enumerate(_list(data, "choices", where))
    )
    named = _list(data, "correct", where)
    if not all(isinstance(choice, str) for choice in named):  # a list in it is unhashable
        raise ContractError(f"{where}.correct: expected choice ids")
    correct = frozenset(named)
    if not correct or not correct <= {c.id for c in choices}:
        raise ContractError(f"{where}.correct: must name some of the choices")
    return Question(
        id=_field(data, "id", str, where),
        kind=kind,
        prompt=_field(data, "prompt", str, where),
        choices=choices,
        correct=correct,
        explanation=_field(data, "explanation", str, where),
    )


def parse_quiz(data: Any, where: str) -> Quiz:
    questions = _list(data, "questions", where)
    return Quiz(
        id=_field(data, "id", str, where),
        title=_field(data, "title", str, where),
        pass_ratio=float(_field(data, "pass_ratio", (int, float), where)),
        questions=tuple(
            parse_question(q, f"{where}.questions[{i}]") for i, q in enumerate(questions)
        ),
        activity_id=_optional_iri(data, where),
    )


def parse_block(data: Any, where: str) -> Block:
    kind = _field(data, "type", str, where)
    if kind not in BLOCK_TYPES:
        raise ContractError(f"{where}.type: unknown block type {kind!r}")
    if kind == "quiz":
        return Block(kind, quiz=parse_quiz(data.get("quiz"), f"{where}.quiz"))
    title = _optional_str(data, "title", where)
    if kind in WEB_BLOCKS:
        url = _field(data, "url", str, where)
        if not url.startswith(("https://", "http://")):
            raise ContractError(f"{where}.url: expected an http(s) address")
        return Block(kind, title=title, url=url)
    if kind == "text" and "text" in data:
        return Block(kind, title=title, text=_field(data, "text", str, where))
    asset = parse_asset(data.get("asset"), f"{where}.asset")
    return Block(kind, title=title, asset=asset, alt=_optional_str(data, "alt", where))


def parse_manifest(data: Any) -> CourseManifest:
    where = "manifest"
    parts = []
    for p_index, part in enumerate(_list(data, "parts", where)):
        p_where = f"{where}.parts[{p_index}]"
        chapters = []
        for c_index, chapter in enumerate(_list(part, "chapters", p_where)):
            c_where = f"{p_where}.chapters[{c_index}]"
            blocks = tuple(
                parse_block(b, f"{c_where}.blocks[{i}]")
                for i, b in enumerate(_list(chapter, "blocks", c_where))
            )
            unavailable = _optional_str(chapter, "unavailable", c_where)
            chapters.append(
                Chapter(
                    _field(chapter, "id", str, c_where),
                    _field(chapter, "title", str, c_where),
                    blocks,
                    _optional_iri(chapter, c_where),
                    unavailable,
                )
            )
        parts.append(
            Part(
                _field(part, "id", str, p_where),
                _field(part, "title", str, p_where),
                tuple(chapters),
            )
        )
    return CourseManifest(
        id=check_course_id(_field(data, "id", str, where), where),
        version=_field(data, "version", str, where),
        title=_field(data, "title", str, where),
        language=_field(data, "language", str, where),
        parts=tuple(parts),
        activity_id=_optional_iri(data, where),
    )


def _optional_iri(data: Mapping[str, Any], where: str) -> str:
    value = data.get("activity_id", "")
    if not isinstance(value, str) or (value and not value.startswith(("https://", "http://"))):
        raise ContractError(f"{where}.activity_id: expected an http(s) IRI")
    return value


ENTITLEMENT_STATUSES = ("pending", "active", "expired")


def _optional_date(data: Mapping[str, Any], name: str, where: str) -> date | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ContractError(f"{where}.{name}: expected a date")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ContractError(f"{where}.{name}: not an ISO date") from error


def parse_account(data: Any) -> Account:
    where = "me"
    entitlements = []
    for index, item in enumerate(_list(data, "entitlements", where)):
        e_where = f"{where}.entitlements[{index}]"
        status = _field(item, "status", str, e_where)
        if status not in ENTITLEMENT_STATUSES:
            raise ContractError(f"{e_where}.status: unknown status {status!r}")
        activated = item.get("activated_at")
        entitlements.append(
            Entitlement(
                id=_field(item, "id", str, e_where),
                programme=_field(item, "programme", str, e_where),
                status=status,
                starts_on=_optional_date(item, "starts_on", e_where),
                ends_on=_optional_date(item, "ends_on", e_where),
                activated_at=activated if isinstance(activated, str) else None,
            )
        )
    endpoint = data.get("xapi_endpoint") if isinstance(data, dict) else None
    return Account(
        id=_field(data, "id", str, where),
        name=_text_or_empty(data, "name", where),  # the identity provider may know it
        email=_text_or_empty(data, "email", where),
        entitlements=tuple(entitlements),
        xapi_endpoint=endpoint if isinstance(endpoint, str) else "",
    )


def _text_or_empty(data: Mapping[str, Any], name: str, where: str) -> str:
    if data.get(name) is None:
        return ""
    value: str = _field(data, name, str, where)
    return value
