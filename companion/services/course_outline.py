"""A course's outline without its content (issue 28): what the home view needs of a manifest
(titles, chapters in order, their activities and quizzes), kept beside the manifest when
it is stored, so that a refresh of the home view parses a few hundred bytes per course, not
the whole manifest.

Its JSON names its format version: an outline of another version is made again from the
manifest."""

from __future__ import annotations

import json
from typing import Any

from companion.domain import Block, Chapter, CourseManifest, Part, Quiz

OUTLINE_VERSION = 1


def outline_json(manifest: CourseManifest) -> str:
    parts = []
    for part in manifest.parts:
        chapters = []
        for chapter in part.chapters:
            quiz = next((b.quiz for b in chapter.blocks if b.quiz is not None), None)
            chapters.append(
                [
                    chapter.id,
                    chapter.title,
                    chapter.activity_id,
                    [quiz.id, quiz.activity_id] if quiz else None,
                ]
            )
        parts.append([part.id, part.title, chapters])
    outline = {
        "v": OUTLINE_VERSION,
        "id": manifest.id,
        "version": manifest.version,
        "title": manifest.title,
        "language": manifest.language,
        "activity": manifest.activity_id,
        "parts": parts,
    }
    return json.dumps(outline, ensure_ascii=False, separators=(",", ":"))


def outline_from_json(text: str | None) -> CourseManifest | None:
    """The outline as a manifest whose chapters hold only their quiz (if any), or None when
    ``text`` is not an outline of this version (then it is made again)."""
    if not text:
        return None
    try:
        data: Any = json.loads(text)
        if data.get("v") != OUTLINE_VERSION:
            return None
        parts = tuple(
            Part(part_id, part_title, tuple(_chapter(row) for row in chapters))
            for part_id, part_title, chapters in data["parts"]
        )
        return CourseManifest(
            data["id"], data["version"], data["title"], data["language"], parts, data["activity"]
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _chapter(row: list[Any]) -> Chapter:
    chapter_id, title, activity, quiz = row
    blocks = (Block("quiz", quiz=Quiz(quiz[0], "", 0.0, (), quiz[1])),) if quiz else ()
    return Chapter(str(chapter_id), str(title), blocks, str(activity))
