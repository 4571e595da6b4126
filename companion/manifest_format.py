"""A course manifest as JSON, the form ``domain.parse_manifest`` reads back: how the library
keeps an outline, and how a site's outline gets its version."""

from __future__ import annotations

from companion.domain import Block, CourseManifest


def manifest_json(manifest: CourseManifest) -> dict[str, object]:
    """The manifest as ``parse_manifest`` reads it back (kept with the library)."""

    def block(b: Block) -> dict[str, object]:
        data: dict[str, object] = {"type": b.type, "title": b.title}
        if b.asset is not None:
            data["asset"] = b.asset._asdict()
        if b.url:
            data["url"] = b.url
        if b.text:
            data["text"] = b.text
        if b.alt:
            data["alt"] = b.alt
        if b.quiz is not None:
            data["quiz"] = {
                "activity_id": b.quiz.activity_id,
                "id": b.quiz.id,
                "title": b.quiz.title,
                "pass_ratio": b.quiz.pass_ratio,
                "questions": [
                    {
                        "id": q.id,
                        "kind": q.kind,
                        "prompt": q.prompt,
                        "choices": [c._asdict() for c in q.choices],
                        "correct": sorted(q.correct),
                        "explanation": q.explanation,
                    }
                    for q in b.quiz.questions
                ],
            }
        return data

    return {
        "id": manifest.id,
        "version": manifest.version,
        "title": manifest.title,
        "language": manifest.language,
        "activity_id": manifest.activity_id,
        "parts": [
            {
                "id": p.id,
                "title": p.title,
                "chapters": [
                    {
                        "id": c.id,
                        "title": c.title,
                        "activity_id": c.activity_id,
                        **({"unavailable": c.unavailable} if c.unavailable else {}),
                        "blocks": [block(b) for b in c.blocks],
                    }
                    for c in p.chapters
                ],
            }
            for p in manifest.parts
        ],
    }
