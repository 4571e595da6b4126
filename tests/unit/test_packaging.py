import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

from companion import __version__

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
APP_ID = "org.companion.Companion"


def test_desktop_entry_is_complete():
    class CaseSensitive(configparser.ConfigParser):
        def optionxform(self, optionstr: str) -> str:
            return optionstr  # desktop entry keys are case-sensitive

    entry = CaseSensitive(interpolation=None)
    entry.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "companion"
    assert section["Icon"] == APP_ID
    assert section["Comment[fr]"]
    assert "Education" in section["Categories"].split(";")


def test_appstream_metadata_matches_the_app():
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    release = root.find("releases/release")
    assert release is not None and release.get("version") == __version__
    french = [
        s
        for s in root.findall("summary")
        if s.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    ]
    assert french and french[0].text


def test_the_app_declares_the_same_desktop_file_name():
    source = (PACKAGING.parent / "companion" / "ui" / "app.py").read_text(encoding="utf-8")
    assert f'setDesktopFileName("{APP_ID}")' in source
