"""Builds the sample courses into manifests and content-addressed assets.

Sources are TOML files under resources/sample_courses/<course>/ with chapters in Markdown.
Standalone image lines become image blocks (audio by file extension), a standalone link to
``generated:handout.pdf`` becomes a file block, and each part's quiz becomes its own chapter.
Output is cached on disk under a hash of the sources, so a restart serves identical bytes
and identical ETags.
"""

from __future__ import annotations

import functools
import hashlib
import json
import mimetypes
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.sandbox import media

BUILDER_VERSION = "2"
# xAPI activity ids: stable IRIs that do not depend on the port a sandbox listens on.
ACTIVITY_BASE = "https://plateforme.sandbox.companion.test/xapi/activities/courses"
_IMAGE_LINE = re.compile(r'^!\[(?P<alt>[^\]]*)\]\((?P<src>\S+?)(?:\s+"(?P<title>[^"]*)")?\)\s*$')
_FILE_LINE = re.compile(r"^\[(?P<title>[^\]]+)\]\((?P<src>generated:\S+\.pdf)\)\s*$")
_CHOICE_IDS = "abcdefghij"
_MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".wav": "audio/wav",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".mp4": "video/mp4",
}


@functools.cache
def _markdown() -> Any:
    """Made when content is built, not when a built one is loaded (a demo platform's
    every start): markdown-it is only needed to build."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


@dataclass
class BuiltCourse:
    catalog_entry: dict[str, Any]
    manifest: dict[str, Any]
    etag: str


@dataclass
class Content:
    assets_dir: Path
    courses: dict[str, BuiltCourse] = field(default_factory=dict)

    def asset_path(self, sha256: str) -> Path | None:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return None
        path = self.assets_dir / sha256
        return path if path.is_file() else None

    def catalog(self) -> list[dict[str, Any]]:
        return [course.catalog_entry for course in self.courses.values()]

    def media_type(self, sha256: str) -> str:
        """The type the manifests give the asset; read from them each time, so a course
        changed while the sandbox runs (as tests do) is never served with a stale type."""
        for course in self.courses.values():
            for part in course.manifest["parts"]:
                for chapter in part["chapters"]:
                    for block in chapter["blocks"]:
                        asset = block.get("asset")
                        if asset is not None and asset["sha256"] == sha256:
                            return str(asset["media_type"])
        return "application/octet-stream"


def sources_dir() -> Path:
    from companion.resources import resource

    return resource("sample_courses")


def load_or_build(source: Path, cache_root: Path) -> Content:
    """Return the built content, building it only when the sources changed."""
    digest = _sources_digest(source)
    out = cache_root / f"content-{digest[:16]}"
    index = out / "index.json"
    if index.is_file():
        return _load(out, json.loads(index.read_text(encoding="utf-8")))
    content = build(source, out / "assets")
    data = {
        cid: {"catalog_entry": c.catalog_entry, "manifest": c.manifest, "etag": c.etag}
        for cid, c in content.courses.items()
    }
    temporary = index.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    temporary.replace(index)
    return content


def _load(out: Path, data: dict[str, Any]) -> Content:
    content = Content(out / "assets")
    for course_id, course in data.items():
        content.courses[course_id] = BuiltCourse(**course)
    return content


def _sources_digest(source: Path) -> str:
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    for path in sorted(source.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(source)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build(source: Path, assets_dir: Path) -> Content:
    assets_dir.mkdir(parents=True, exist_ok=True)
    content = Content(assets_dir)
    for course_file in sorted(source.glob("*/course.toml")):
        spec = tomllib.loads(course_file.read_text(encoding="utf-8"))
        course = _CourseBuilder(spec, course_file.parent, content).build()
        content.courses[course.catalog_entry["id"]] = course
    return content


class _CourseBuilder:
    def __init__(self, spec: dict[str, Any], folder: Path, content: Content) -> None:
        self.spec = spec
        self.folder = folder
        self.content = content
        self.sizes: dict[str, int] = {}
        self.generators: dict[str, Callable[[], bytes]] = {
            "handout.pdf": self._handout,
            "signal-evacuation.wav": media.evacuation_signal_wav,
        }

    def build(self) -> BuiltCourse:
        parts = [self._part(part) for part in self.spec["parts"]]
        body = {
            "id": self.spec["id"],
            "title": self.spec["title"],
            "language": "fr",
            "activity_id": f"{ACTIVITY_BASE}/{self.spec['id']}",
            "parts": parts,
        }
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
        version = "2026.11-" + hashlib.sha256(canonical).hexdigest()[:8]
        manifest = {
            "id": body["id"],
            "version": version,
            "title": body["title"],
            "language": "fr",
            "activity_id": body["activity_id"],
            "parts": parts,
        }
        etag = '"' + hashlib.sha256(canonical).hexdigest()[:32] + '"'
        entry = {
            "id": self.spec["id"],
            "title": self.spec["title"],
            "summary": self.spec["summary"],
            "category": self.spec["category"],
            "level": self.spec["level"],
            "language": "fr",
            "duration_minutes": self.spec["duration_minutes"],
            "version": version,
            "size_bytes": sum(self.sizes.values()),
            "premium": self.spec["premium"],
        }
        return BuiltCourse(entry, manifest, etag)

    def _part(self, part: dict[str, Any]) -> dict[str, Any]:
        chapters = [
            {
                "id": chapter["id"],
                "title": chapter["title"],
                "activity_id": self._activity("chapters", chapter["id"]),
                "blocks": list(self._blocks(chapter["markdown"])),
            }
            for chapter in part["chapters"]
        ]
        if "quiz" in part:
            quiz = part["quiz"]
            chapters.append(
                {
                    "id": quiz["id"],
                    "title": quiz["title"],
                    "activity_id": self._activity("chapters", quiz["id"]),
                    "blocks": [
                        {
                            "type": "quiz",
                            "quiz": {
                                **_quiz(quiz),
                                "activity_id": self._activity("quizzes", quiz["id"]),
                            },
                        }
                    ],
                }
            )
        return {"id": part["id"], "title": part["title"], "chapters": chapters}

    def _activity(self, kind: str, item: str) -> str:
        return f"{ACTIVITY_BASE}/{self.spec['id']}/{kind}/{item}"

    def _blocks(self, markdown: str) -> Iterator[dict[str, Any]]:
        pending: list[str] = []
        in_fence = False
        for line in markdown.strip().splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            special = None if in_fence else self._special_block(line)
            if special is None:
                pending.append(line)
                continue
            if any(text.strip() for text in pending):
                yield self._text_block(pending)
            pending = []
            yield special
        if any(text.strip() for text in pending):
            yield self._text_block(pending)

    def _special_block(self, line: str) -> dict[str, Any] | None:
        if match := _FILE_LINE.match(line):
            return {"type": "file", "title": match["title"], "asset": self._asset(match["src"])}
        if match := _IMAGE_LINE.match(line):
            asset = self._asset(match["src"])
            kind = asset["media_type"].split("/")[0]
            block_type = kind if kind in ("audio", "video") else "image"
            if block_type == "image" and not match["alt"].strip():
                # Every demo image says what it shows (issue 27): the reader reads it out.
                raise ValueError(f"{self.spec['id']}: the image {match['src']} has no alt text")
            return {
                "type": block_type,
                "title": match["title"] or match["alt"],
                "alt": match["alt"],
                "asset": asset,
            }
        return None

    def _text_block(self, lines: list[str]) -> dict[str, Any]:
        html = _markdown().render("\n".join(lines))
        return {"type": "text", "asset": self._store(html.encode(), "text/html")}

    def _asset(self, src: str) -> dict[str, Any]:
        if src.startswith("generated:"):
            name = src.removeprefix("generated:")
            data = self.generators[name]()
        else:
            name = src
            data = (self.folder / Path(src).name).read_bytes()
        suffix = Path(name).suffix
        media_type = _MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0]
        return self._store(data, media_type or "application/octet-stream")

    def _store(self, data: bytes, media_type: str) -> dict[str, Any]:
        sha = hashlib.sha256(data).hexdigest()
        path = self.content.assets_dir / sha
        if not path.exists():
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(data)
            temporary.replace(path)
        self.sizes[sha] = len(data)
        return {"sha256": sha, "size": len(data), "media_type": media_type}

    def _handout(self) -> bytes:
        titles = [c["title"] for p in self.spec["parts"] for c in p["chapters"]]
        return media.course_handout_pdf(self.spec["title"], titles, self.spec["memo"])


def _quiz(spec: dict[str, Any]) -> dict[str, Any]:
    questions = []
    for question in spec["questions"]:
        choices = [
            {"id": _CHOICE_IDS[i], "text": text} for i, text in enumerate(question["choices"])
        ]
        questions.append(
            {
                "id": question["id"],
                "kind": question["kind"],
                "prompt": question["prompt"],
                "choices": choices,
                "correct": [_CHOICE_IDS[i] for i in question["correct"]],
                "explanation": question["explanation"],
            }
        )
    return {
        "id": spec["id"],
        "title": spec["title"],
        "pass_ratio": spec["pass_ratio"],
        "questions": questions,
    }
