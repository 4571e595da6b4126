"""Course files from a real Moodle 5.1: checked against the SHA-1 the site sends as ETag,
resumed with Range after a cut, and never kept when the site answers with an error."""

from __future__ import annotations

import hashlib

import pytest

from companion.auth.errors import SignInRequired
from companion.domain import Asset, CourseManifest
from companion.jobs import Control
from companion.store.assets import AssetStore
from companion.sync import moodle_ws
from companion.sync.client import HttpClient
from companion.sync.downloads import Downloader
from companion.sync.moodle import MoodlePlatform
from companion.sync.moodle_outline import course_ref
from tests.moodle_site import LEARNER, MoodleSite


@pytest.fixture
def platform(moodle_http: HttpClient) -> MoodlePlatform:
    return MoodlePlatform(moodle_http, moodle_ws.token_for(moodle_http, *LEARNER))


@pytest.fixture
def course(moodle: MoodleSite, platform: MoodlePlatform) -> CourseManifest:
    manifest = platform.manifest(course_ref(moodle.url, moodle.course_id)).manifest
    assert manifest is not None
    return manifest


def asset_named(course: CourseManifest, title: str) -> Asset:
    chapter = next(c for p in course.parts for c in p.chapters if c.title == title)
    asset = chapter.blocks[0].asset
    assert asset is not None
    return asset


def fetcher(platform: MoodlePlatform, store: AssetStore) -> Downloader:
    return Downloader(platform.http, store, locate=platform.asset_path, sleep=lambda _s: None)


def test_a_file_is_checked_against_the_sites_sha1_then_kept(moodle, platform, course, tmp_path):
    store = AssetStore(tmp_path / "assets")
    pdf = asset_named(course, "Fiche réflexe incendie (PDF)")
    fetcher(platform, store).fetch(pdf, Control.new())
    kept = store.path(pdf.sha256).read_bytes()
    assert kept.startswith(b"%PDF-")
    assert hashlib.sha1(kept).hexdigest() == moodle.seed["pdf_sha1"]
    assert not list(store.partial_dir.iterdir())  # no partial file, no kept ETag left


def test_a_page_whose_size_the_site_does_not_say_is_still_complete(platform, course, tmp_path):
    store = AssetStore(tmp_path / "assets")
    page = asset_named(course, "Introduction à la prévention")
    assert page.size == 0  # Moodle says 0 for a page's index.html
    fetcher(platform, store).fetch(page, Control.new())
    assert "Les 9 principes généraux de prévention" in store.path(page.sha256).read_text("utf-8")


def test_a_cut_download_resumes_the_same_version(moodle, platform, course, tmp_path):
    store = AssetStore(tmp_path / "assets")
    pdf = asset_named(course, "Fiche réflexe incendie (PDF)")
    whole = _bytes_of(platform, pdf)
    partial = store.partial_path(pdf.sha256)
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(whole[:300])  # what a cut connection left
    partial.with_suffix(".etag").write_text(moodle.seed["pdf_sha1"], encoding="ascii")
    downloads = fetcher(platform, store)
    downloads.fetch(pdf, Control.new())
    assert store.path(pdf.sha256).read_bytes() == whole
    assert downloads.bytes_fetched == len(whole) - 300  # only the rest came over the line


def test_a_partial_file_of_another_version_is_never_spliced(platform, course, tmp_path):
    store = AssetStore(tmp_path / "assets")
    pdf = asset_named(course, "Fiche réflexe incendie (PDF)")
    partial = store.partial_path(pdf.sha256)
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"%PDF-1.4 an older version of the file")
    partial.with_suffix(".etag").write_text("0" * 40, encoding="ascii")
    fetcher(platform, store).fetch(pdf, Control.new())
    assert store.path(pdf.sha256).read_bytes() == _bytes_of(platform, pdf)


def test_a_refused_download_is_a_sign_in_request_and_keeps_nothing(moodle_http, course, tmp_path):
    store = AssetStore(tmp_path / "assets")
    pdf = asset_named(course, "Fiche réflexe incendie (PDF)")
    stale = MoodlePlatform(moodle_http, "0" * 32)  # a token the site no longer knows
    with pytest.raises(SignInRequired):
        fetcher(stale, store).fetch(pdf, Control.new())
    assert not store.has(pdf.sha256)
    assert not list(store.partial_dir.glob("*.part"))


def _bytes_of(platform: MoodlePlatform, asset: Asset) -> bytes:
    return platform.http.request("GET", platform.asset_path(asset)).content
