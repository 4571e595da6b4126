"""What software centres and the macOS Finder show of Companion (issue 26, item 5): the
AppStream metadata with its homepage and screenshots once the project's address is known,
and the macOS app's icon drawn from the one SVG."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools import appstream, build_bundle

ROOT = Path(__file__).resolve().parents[2]
HOMEPAGE = "https://formation.example.org/companion"
SCREENSHOTS = "https://formation.example.org/companion/docs/screenshots"


def test_the_metadata_gets_the_homepage_and_the_screenshots_of_the_docs():
    root = ET.fromstring(appstream.render(HOMEPAGE, SCREENSHOTS))
    assert root.findtext("url[@type='homepage']") == HOMEPAGE
    shots = root.findall("screenshots/screenshot")
    assert shots[0].get("type") == "default" and len(shots) == len(appstream.SCREENSHOTS)
    for shot in shots:
        image = shot.findtext("image") or ""
        assert image.startswith(SCREENSHOTS + "/")
        assert (appstream.SCREENSHOT_FOLDER / image.rsplit("/", 1)[1]).is_file()  # it exists
        langs = {c.get("{http://www.w3.org/XML/1998/namespace}lang") for c in shot.iter("caption")}
        assert langs == {None, "fr"}
    rating = root.find("content_rating")
    assert rating is not None and rating.get("type") == "oars-1.1"
    assert root.findtext("developer/name")


def test_without_an_address_the_metadata_says_nothing_false():
    text = appstream.render(None, None)
    assert "<url" not in text and "<screenshots" not in text
    assert text == appstream.METAINFO.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="installed by setup.sh dev")
def test_the_completed_metadata_validates(tmp_path):
    path = tmp_path / "org.companion.Companion.metainfo.xml"
    path.write_text(appstream.render(HOMEPAGE, SCREENSHOTS), encoding="utf-8")
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "screenshot" not in done.stdout  # no remark on them either


def test_the_macos_icon_holds_every_size_as_png(qapp, tmp_path):
    target = tmp_path / "companion.icns"
    build_bundle.write_icns(ROOT / "resources" / "icons" / "companion.svg", target)
    data = target.read_bytes()
    assert data[:4] == b"icns" and int.from_bytes(data[4:8], "big") == len(data)
    found = {}
    offset = 8
    while offset < len(data):
        kind, length = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8])
        png = data[offset + 8 : offset + length]
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        found[kind] = int.from_bytes(png[16:20], "big")  # IHDR width
        offset += length
    assert found == {kind: size for kind, size in build_bundle.ICNS_TYPES}


def test_the_bundle_spec_gives_the_mac_app_that_icon():
    spec = (ROOT / "packaging" / "companion.spec").read_text(encoding="utf-8")
    relative = build_bundle.MAC_ICON.relative_to(ROOT)
    assert 'MAC_ICON = ROOT / "build" / "icons" / "companion.icns"' in spec
    assert relative == Path("build/icons/companion.icns")
    assert "icon=str(MAC_ICON)" in spec
