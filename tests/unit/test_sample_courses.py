"""The sandbox's sample courses are realistic enough to build and test the app on."""

import hashlib
import re

from companion.sandbox.content import load_or_build, sources_dir


def chapter_html(content, course):
    for part in course.manifest["parts"]:
        for chapter in part["chapters"]:
            for block in chapter["blocks"]:
                if block["type"] == "text":
                    yield content.asset_path(block["asset"]["sha256"]).read_text("utf-8")


def blocks_of(course):
    for part in course.manifest["parts"]:
        for chapter in part["chapters"]:
            yield from chapter["blocks"]


def test_at_least_four_french_courses_with_real_structure(sample_content):
    assert len(sample_content.courses) >= 4
    for course in sample_content.courses.values():
        html = "\n".join(chapter_html(sample_content, course))
        assert course.manifest["language"] == "fr"
        assert re.search(r"<h2>", html), "headings"
        assert re.search(r"<(ul|ol)>", html), "lists"
        words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", re.sub(r"<[^>]+>", " ", html).lower())
        assert len(words) > 400, "chapters of real prose"
        assert sum(w in ("les", "des", "une", "est", "pour") for w in words) > 20, "in French"
        types = [block["type"] for block in blocks_of(course)]
        assert "image" in types
        assert types.count("file") == 1, "one downloadable PDF"
        for part in course.manifest["parts"]:
            quizzes = [b for c in part["chapters"] for b in c["blocks"] if b["type"] == "quiz"]
            assert len(quizzes) == 1, f"one quiz per part in {course.catalog_entry['id']}"


def test_code_blocks_audio_and_pdf_are_real(sample_content):
    all_html = "".join(
        h for c in sample_content.courses.values() for h in chapter_html(sample_content, c)
    )
    assert '<pre><code class="language-python">' in all_html
    media = [
        b["asset"]
        for c in sample_content.courses.values()
        for b in blocks_of(c)
        if b["type"] in ("audio", "video", "file")
    ]
    audio = [a for a in media if a["media_type"] == "audio/wav"]
    pdfs = [a for a in media if a["media_type"] == "application/pdf"]
    assert audio and pdfs
    assert sample_content.asset_path(audio[0]["sha256"]).read_bytes()[:4] == b"RIFF"
    assert sample_content.asset_path(pdfs[0]["sha256"]).read_bytes()[:5] == b"%PDF-"


def test_every_asset_is_stored_under_its_digest(sample_content):
    for course in sample_content.courses.values():
        for block in blocks_of(course):
            if "asset" in block:
                data = sample_content.asset_path(block["asset"]["sha256"]).read_bytes()
                assert hashlib.sha256(data).hexdigest() == block["asset"]["sha256"]
                assert len(data) == block["asset"]["size"]


def test_builds_are_reproducible(tmp_path, sample_content):
    again = load_or_build(sources_dir(), tmp_path)
    for course_id, course in sample_content.courses.items():
        assert again.courses[course_id].etag == course.etag
        assert again.courses[course_id].manifest == course.manifest


def test_learners_include_a_job_seeker_pending_activation():
    from companion.sandbox.learners import Learners

    statuses = {e["status"] for r in Learners().records.values() for e in r["entitlements"]}
    assert {"pending", "active", "expired"} <= statuses


def test_every_demo_image_says_what_it_shows_and_the_reader_gets_it(sample_content, tmp_path):
    """Issue 27: the author's alt text never reached the reader (the caption stood in)."""
    from companion.domain import parse_manifest
    from companion.manifest_format import manifest_json

    for course in sample_content.courses.values():
        images = [block for block in blocks_of(course) if block["type"] == "image"]
        assert images and all(block["alt"].strip() for block in images)
        manifest = parse_manifest(course.manifest)
        kept = [b for p in manifest.parts for c in p.chapters for b in c.blocks]
        assert [b.alt for b in kept if b.type == "image"] == [block["alt"] for block in images]
        assert parse_manifest(manifest_json(manifest)) == manifest  # the library keeps it


def test_a_demo_image_without_alt_text_is_refused(tmp_path):
    import shutil

    import pytest

    sources = tmp_path / "courses"
    shutil.copytree(sources_dir(), sources)
    course = sources / "securite-chantier" / "course.toml"
    text = course.read_text("utf-8")
    course.write_text(re.sub(r"!\[[^\]]+\]\(epi\.svg", "![](epi.svg", text), "utf-8")
    with pytest.raises(ValueError, match="no alt text"):
        load_or_build(sources, tmp_path / "built")
