"""Download a course, study it with the network gone, update it, search it: real HTTP."""

from __future__ import annotations

import copy

import pytest

from companion.jobs import Control
from companion.services import library as library_module
from companion.services.library import NOT_DOWNLOADED, OFFLINE, UPDATE_AVAILABLE
from companion.sync.client import MalformedResponse

COURSE = "securite-chantier"


def chapters(manifest):
    return [c for p in manifest.parts for c in p.chapters]


def test_download_then_study_offline(context, platform_env):
    library = context.library()
    progress = []
    report = library.download(
        COURSE, Control.new(), lambda done, total: progress.append((done, total))
    )
    assert report.fetched_assets > 0 and progress[-1][0] == progress[-1][1]
    states = library.chapter_states(COURSE)
    assert set(states.values()) == {OFFLINE}
    platform_env.faults.set(status=503, retry_after=0)  # the network is gone from here on
    manifest = library.manifest(COURSE)
    page = library.chapter_page(COURSE, chapters(manifest)[1].id)
    assert "<h2>" in page.html and "<script" not in page.html
    assert "src='companion-image:0'" in page.html and "file:" not in page.html
    assert page.images[0].path.parent.parent == library.assets.root  # from the local store
    hits = library.search("securite")  # no accent typed; the text says « sécurité »
    assert hits and "<mark>" in hits[0].snippet
    assert library.search("ÉVACUATION")[0].chapter_id == "sec-p2-c1"
    assert library.storage()[COURSE] > 100_000


def test_one_chapter_only(context):
    library = context.library()
    library.download(COURSE, Control.new(), chapter_id="sec-p1-c2")
    states = library.chapter_states(COURSE)
    assert states["sec-p1-c2"] == OFFLINE
    assert states["sec-p2-c1"] == NOT_DOWNLOADED


def test_an_unchanged_manifest_costs_a_304(context, platform_env):
    library = context.library()
    first = library.update_manifest(COURSE)
    client = context.connection.api().client
    seen = []
    client.session.hooks["response"].append(lambda r, *a, **k: seen.append(r.status_code))
    again = library.update_manifest(COURSE)
    assert again == first and seen == [304]


def test_an_updated_course_fetches_only_what_changed(context, platform_env, sample_content):
    library = context.library()
    library.download(COURSE, Control.new())
    original = copy.deepcopy(sample_content.courses[COURSE])
    try:
        course = sample_content.courses[COURSE]
        block = course.manifest["parts"][0]["chapters"][0]["blocks"][0]
        new_text = b"<h2>Nouvelle version</h2><p>Texte mis \xc3\xa0 jour.</p>"
        import hashlib

        digest = hashlib.sha256(new_text).hexdigest()
        (sample_content.assets_dir / digest).write_bytes(new_text)
        block["asset"] = {"sha256": digest, "size": len(new_text), "media_type": "text/html"}
        course.manifest["version"] = "2026.12-updated"
        library.update_manifest(COURSE)
        assert library.chapter_states(COURSE)["sec-p1-c1"] == UPDATE_AVAILABLE
        report = library.download(COURSE, Control.new())
        assert report.fetched_assets == 1
        assert library.chapter_states(COURSE)["sec-p1-c1"] == OFFLINE
        assert "Nouvelle version" in library.chapter_html(COURSE, "sec-p1-c1")
    finally:
        sample_content.courses[COURSE] = original


def test_a_manifest_naming_a_path_outside_the_store_is_refused(context, sample_content):
    original = copy.deepcopy(sample_content.courses[COURSE])
    try:
        block = sample_content.courses[COURSE].manifest["parts"][0]["chapters"][0]["blocks"][0]
        block["asset"]["sha256"] = "../../../../etc/passwd"
        with pytest.raises(MalformedResponse):
            context.library().download(COURSE, Control.new())
    finally:
        sample_content.courses[COURSE] = original


def test_metered_connection_holds_large_files(context, monkeypatch):
    monkeypatch.setattr(library_module, "LARGE_FILE_BYTES", 100_000)
    context.settings.set("downloads.metered", True)
    report = context.library().download(COURSE, Control.new())
    assert report.held_back == 1
    assert context.library().chapter_states(COURSE)["sec-p2-c1"] == NOT_DOWNLOADED
    report = context.library().download(COURSE, Control.new(), allow_large=True)
    assert context.library().chapter_states(COURSE)["sec-p2-c1"] == OFFLINE


def test_remove_frees_the_shared_store(context):
    library = context.library()
    library.download(COURSE, Control.new())
    freed = library.remove(COURSE)
    assert freed > 100_000
    assert set(library.chapter_states(COURSE).values()) == {NOT_DOWNLOADED}
    assert library.assets.used_bytes() == 0
    assert library.search("sécurité") == []


def test_stored_manifests_parse_back(context):
    library = context.library()
    fetched = library.update_manifest(COURSE)
    assert library.manifest(COURSE) == fetched


def test_my_courses_offline_and_signed_in(context, platform_env, monkeypatch):
    import threading

    import keyring

    from tests.auth_helpers import Browser, MemoryKeyring

    library = context.library()
    assert library.my_courses() == []
    library.add_course("debuter-python")  # not signed in: kept on this computer only
    assert library.my_courses() == ["debuter-python"]
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        context.account.sign_in_with_browser(Browser("camille"), threading.Event())
        mine = library.my_courses()  # the platform's enrolments join the local list
        assert {"premier-site-html-css", "debuter-python"} <= set(mine)
        library.add_course("securite-chantier")  # enrols on the platform too
        camille = platform_env.learners.records["camille"]
        assert "securite-chantier" in camille["enrollments"]
        platform_env.faults.set(status=503, retry_after=0)
        assert "securite-chantier" in library.my_courses()  # offline: the saved list
    finally:
        keyring.set_keyring(previous)


def test_the_home_view_reads_outlines_not_manifests(context, monkeypatch):
    """Issue 28: each home refresh parsed every course's manifest (89 % of its time at 500
    courses). The outline is kept when the manifest is stored, and read without it."""
    library = context.library()
    fetched = library.update_manifest(COURSE)

    def refused(_data):
        raise AssertionError("a manifest parsed for the home view")

    monkeypatch.setattr(library_module, "parse_manifest", refused)
    outline = library.outline(COURSE)
    assert outline is not None
    assert (outline.id, outline.title, outline.version) == (
        fetched.id,
        fetched.title,
        fetched.version,
    )
    assert [c.id for p in outline.parts for c in p.chapters] == [c.id for c in chapters(fetched)]
    assert library.outline("no-such-course") is None


def test_a_course_stored_before_outlines_gets_its_outline_once(context, monkeypatch):
    library = context.library()
    library.update_manifest(COURSE)
    with library.db.write() as c:  # as an earlier release left it
        c.execute("UPDATE courses SET outline = NULL WHERE id = ?", (COURSE,))
    parsed: list[int] = []
    parse = library_module.parse_manifest  # type: ignore[attr-defined]

    def counted(data):
        parsed.append(1)
        return parse(data)

    monkeypatch.setattr(library_module, "parse_manifest", counted)
    first = library.outline(COURSE)
    assert library.outline(COURSE) == first is not None
    assert parsed == [1]  # made from the manifest once, then kept
