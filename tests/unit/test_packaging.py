import configparser
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from companion import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
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
    # A browser sign-in to a Moodle ends on Companion's URL scheme: the system starts
    # Companion with the address (%u), which hands it to the open window.
    assert section["Exec"].split()[1:] == ["%u"]
    assert "x-scheme-handler/companion-desktop" in section["MimeType"].split(";")


def test_every_installer_registers_the_sign_in_url_scheme():
    from companion.platform import URL_SCHEME

    windows = (PACKAGING / "windows" / "companion.iss").read_text(encoding="utf-8")
    assert f'Subkey: "Software\\Classes\\{URL_SCHEME}"' in windows
    assert '"URL Protocol"' in windows and '""%1""' in windows
    mac = (PACKAGING / "companion.spec").read_text(encoding="utf-8")
    assert f'"CFBundleURLSchemes": ["{URL_SCHEME}"]' in mac
    linux = (PACKAGING / "linux" / "install-desktop-entry").read_text(encoding="utf-8")
    assert f"x-scheme-handler/{URL_SCHEME}" in linux


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


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment, method-assign]
    unit.read(PACKAGING / "linux" / name, encoding="utf-8")
    return unit


def test_the_nightly_prefetch_units_run_the_prefetch_command():
    service = _unit("companion-prefetch.service")
    command = service["Service"]["ExecStart"].split()
    assert command[0].endswith("/companion") and command[1] == "prefetch"
    assert "--all" in command
    assert service["Service"]["Type"] == "oneshot"
    assert "network-online.target" in service["Unit"]["After"]
    timer = _unit("companion-prefetch.timer")  # runs the service of the same name
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


SQUID_CONFIG = PACKAGING / "proxy" / "squid-companion.conf"


def _directives() -> list[str]:
    return [
        line.strip()
        for line in SQUID_CONFIG.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_squid_configuration_keeps_one_copy_of_each_course_file():
    directives = _directives()
    for needed in (
        "collapsed_forwarding on",
        "quick_abort_min -1 KB",
        "range_offset_limit none companion_assets",
        "maximum_object_size 4 GB",
        "cache deny companion_personal",
        "cache deny with_credentials",
    ):
        assert needed in directives
    assets = next(d for d in directives if d.startswith("acl companion_assets "))
    personal = next(d for d in directives if d.startswith("acl companion_personal "))
    assert "/v1/assets/" in assets and "/v1/me" in personal
    # the asset rule comes before Squid's catch-all refresh rule (the first match wins)
    refresh = [d for d in directives if d.startswith("refresh_pattern")]
    assert "/v1/assets/" in refresh[0] and refresh[-1].split()[1] == "."


def test_every_line_of_the_squid_configuration_is_explained():
    """Each group of directives starts with a comment saying why."""
    block: list[str] = []
    for line in [*SQUID_CONFIG.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if any(not b.startswith("#") for b in block):
            assert block[0].startswith("#"), f"unexplained: {block[0]}"
        block = []


@pytest.mark.skipif(shutil.which("squid") is None, reason="squid is not installed")
def test_squid_accepts_the_configuration(tmp_path):
    text = SQUID_CONFIG.read_text(encoding="utf-8")
    config = tmp_path / "squid.conf"
    config.write_text(text.replace("/var/spool/squid", str(tmp_path / "cache")))
    parsed = subprocess.run(
        ["squid", "-k", "parse", "-f", str(config)], capture_output=True, text=True, timeout=60
    )
    assert parsed.returncode == 0, parsed.stderr
    assert "ERROR" not in parsed.stderr and "FATAL" not in parsed.stderr


def test_every_package_in_the_tree_is_listed_for_installation():
    """pyproject lists packages by hand (resources/ is mapped in as companion._resources,
    which find cannot see): a new package left off the list would be missing from a wheel."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    in_tree = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "companion").rglob("__init__.py")
    }
    assert listed == in_tree | {"companion._resources"}


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="installed by setup.sh dev")
def test_appstream_metadata_validates():
    """What software centres read (issue 15): Debian's appstreamcli, offline."""
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(PACKAGING / f"{APP_ID}.metainfo.xml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


FLATPAK = PACKAGING / "flatpak" / f"{APP_ID}.yml"


def _flatpak_manifest() -> dict[str, Any]:
    import yaml  # type: ignore[import-untyped]  # PyYAML comes with openapi-core, without stubs

    manifest = yaml.safe_load(FLATPAK.read_text(encoding="utf-8"))
    assert isinstance(manifest, dict)
    return manifest


def test_the_flatpak_manifest_names_the_app_and_asks_for_little():
    manifest = _flatpak_manifest()
    assert manifest["id"] == APP_ID
    assert manifest["command"] == "companion"  # pyproject.toml's console script
    assert manifest["runtime"] in ("org.freedesktop.Platform", "org.kde.Platform")
    assert manifest["sdk"] == manifest["runtime"].replace(".Platform", ".Sdk")
    assert set(manifest["finish-args"]) == {
        "--share=network",
        "--socket=wayland",
        "--socket=fallback-x11",
        "--share=ipc",
        "--talk-name=org.freedesktop.secrets",
    }


def test_the_flatpak_manifest_uses_files_that_exist():
    manifest = _flatpak_manifest()
    sources = [s for module in manifest["modules"] for s in module["sources"]]
    for source in sources:
        assert (FLATPAK.parent / source["path"]).exists(), source
    root = next(FLATPAK.parent / s["path"] for s in sources if s["type"] == "dir")
    assert root.resolve() == ROOT
    installed = " ".join(c for m in manifest["modules"] for c in m["build-commands"])
    for path in re.findall(r"install -Dm644 (\S+)", installed):
        assert (ROOT / path).is_file(), path
    assert f"{APP_ID}.desktop" in installed and f"{APP_ID}.metainfo.xml" in installed


def test_the_windows_installer_and_the_bundle_spec_agree_with_the_app():
    script = (PACKAGING / "windows" / "companion.iss").read_text(encoding="utf-8")
    assert f'#define AppVersion "{__version__}"' in script
    assert 'Source: "..\\..\\dist\\companion\\*"' in script  # what companion.spec builds
    assert "PrivilegesRequired=lowest" in script  # learners without administrator rights
    spec = (PACKAGING / "companion.spec").read_text(encoding="utf-8")
    assert 'name="companion"' in spec and "BUNDLE(" in spec
    assert "bundle_identifier=APP_ID" in spec and f'APP_ID = "{APP_ID}"' in spec


def test_the_bundle_keeps_one_qt_catalogue_on_every_system():
    """Issue 26: Windows keeps Qt's catalogues in PySide6\\translations (no "Qt" folder, and
    backslashes): the filter matched none there and shipped all 33 (6 MB)."""
    import ast
    from pathlib import PurePath

    spec = (PACKAGING / "companion.spec").read_text(encoding="utf-8")
    tree = ast.parse(spec)
    wanted: list[ast.stmt] = [
        node
        for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name == "keep")
        or (isinstance(node, ast.Assign) and "QT_TRANSLATIONS_KEPT" in ast.unparse(node))
    ]
    scope: dict[str, object] = {"PurePath": PurePath, "Path": PurePath}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), "companion.spec", "exec"), scope)
    keep = scope["keep"]
    assert callable(keep)
    for folder in ("PySide6/Qt/translations", "PySide6\\translations"):
        sep = "\\" if "\\" in folder else "/"
        assert keep(f"{folder}{sep}qtbase_fr.qm")
        assert not keep(f"{folder}{sep}qtbase_de.qm")
        assert not keep(f"{folder}{sep}qt_help_ja.qm")
    assert keep("companion/resources/translations/fr/LC_MESSAGES/companion.mo")
    assert 'LSMinimumSystemVersion": "13.0"' in spec
