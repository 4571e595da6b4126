"""Build the Linux desktop bundle: dist/companion/ and its archive; run by scripts/build-bundle
in .venv-bundle (PyInstaller beside the app's pinned dependencies).

    python tools/build_bundle.py [--if-stale] [--no-archive]

--if-stale skips the build when dist/companion was built from the same sources (the smoke
test in the suite builds only then); --no-archive leaves out the .tar.xz (a minute of xz).
The sizes printed at the end are the figures docs/benchmarks.md compares with the floor."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "companion"
WORK = ROOT / "build" / "bundle"
SPEC = ROOT / "packaging" / "companion.spec"
APP_ID = "org.companion.Companion"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# What the bundle is made of: a change in any of these is a reason to build again.
SOURCES = (
    "companion",
    "resources",
    "packaging/companion.spec",
    "packaging/linux/install-desktop-entry",
    "packaging/linux/companion-launcher",
    f"packaging/{APP_ID}.desktop",
    f"packaging/{APP_ID}.metainfo.xml",
    "requirements/app.txt",
    "requirements/bundle.txt",
    "tools/build_bundle.py",
    "tools/appstream.py",
    "pyproject.toml",
)
SOURCE_STAMP = BUNDLE / "share" / "companion" / "source-id"
# The macOS app's icon, made from the SVG before PyInstaller runs (packaging/companion.spec
# names the same path).
MAC_ICON = ROOT / "build" / "icons" / "companion.icns"
# ICNS entry types holding PNG data, by pixel size (Apple's "Icon Composer" types; the @2x
# ones share a size with a larger 1x one).
ICNS_TYPES = (
    *((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256)),
    *((b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256)),
    (b"ic14", 512),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Linux desktop bundle.")
    parser.add_argument("--if-stale", action="store_true", help="only if the sources changed")
    parser.add_argument("--no-archive", action="store_true", help="skip the .tar.xz")
    args = parser.parse_args(argv)
    source_id = sources_digest()
    if args.if_stale and _stamp() == source_id:
        print(f"build-bundle: {BUNDLE.relative_to(ROOT)} is up to date ({source_id})")
        return 0
    started = time.monotonic()
    if sys.platform == "darwin":
        write_icns(ROOT / "resources" / "icons" / "companion.svg", MAC_ICON)
    run_pyinstaller()
    if sys.platform.startswith("linux"):
        install_launcher()
        add_desktop_integration()
    SOURCE_STAMP.write_text(source_id + "\n", encoding="utf-8")
    print(f"build-bundle: built {BUNDLE.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    print(f"build-bundle: unpacked size {_megabytes(folder_size(BUNDLE))}")
    if not args.no_archive:
        started = time.monotonic()
        archive = write_archive()
        print(
            f"build-bundle: compressed size {_megabytes(archive.stat().st_size)} "
            f"({archive.name}, {time.monotonic() - started:.0f} s)"
        )
    return 0


def sources_digest() -> str:
    digest = hashlib.sha256()
    for path in _source_files():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _source_files() -> Iterator[Path]:
    for name in SOURCES:
        path = ROOT / name
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        yield from (p for p in candidates if p.is_file() and "__pycache__" not in p.parts)


def _stamp() -> str:
    try:
        return SOURCE_STAMP.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def run_pyinstaller() -> None:
    print("build-bundle: PyInstaller (a minute or two)", flush=True)
    command = [
        sys.executable,
        *("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN"),
        *("--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)),
    ]
    # Offscreen: PyInstaller imports Qt to find its plugins, on machines with no screen too.
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(command, check=True, env=environment)  # noqa: S603 - our own arguments


def install_launcher() -> None:
    """./companion becomes the launcher, which checks the system first and says in words
    what is missing (an older C library); the app is companion-bin, started through the
    link bin/companion so that it keeps its name (PyInstaller finds _internal from the
    link's target)."""
    app = BUNDLE / "companion"
    app.rename(BUNDLE / "companion-bin")
    (BUNDLE / "bin").mkdir()
    (BUNDLE / "bin" / "companion").symlink_to(Path("..") / "companion-bin")
    launcher = _copy(ROOT / "packaging" / "linux" / "companion-launcher", BUNDLE, "companion")
    launcher.chmod(0o755)


def add_desktop_integration() -> None:
    """The freedesktop files an unpacked bundle installs for its user (install-desktop-entry)
    and a distribution package or Flatpak would place under /usr/share."""
    share = BUNDLE / "share"
    packaging = ROOT / "packaging"
    _copy(packaging / f"{APP_ID}.desktop", share / "applications")
    write_metainfo(share / "metainfo" / f"{APP_ID}.metainfo.xml")
    icons = share / "icons" / "hicolor"
    svg = ROOT / "resources" / "icons" / "companion.svg"
    _copy(svg, icons / "scalable" / "apps", f"{APP_ID}.svg")
    render_icons(svg, icons)
    installer = _copy(packaging / "linux" / "install-desktop-entry", BUNDLE)
    installer.chmod(0o755)
    (share / "companion").mkdir(parents=True, exist_ok=True)


def write_metainfo(target: Path) -> None:
    """packaging's AppStream metadata, with the homepage and screenshots once pyproject.toml
    names the project's public address (tools/appstream.py)."""
    from tools import appstream

    urls = appstream.project_urls()
    homepage, screenshots = urls.get("Homepage"), urls.get("Screenshots")
    if not (homepage and screenshots):
        print(
            "build-bundle: no Homepage/Screenshots in pyproject.toml [project.urls]: "
            "the AppStream metadata goes without its address and screenshots"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(appstream.render(homepage, screenshots), encoding="utf-8")


def _copy(source: Path, folder: Path, name: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(source, folder / (name or source.name)))


def render_icons(svg: Path, hicolor: Path) -> None:
    """PNGs at the usual sizes, drawn from the one SVG by Qt (the bundle's own SVG
    renderer), so there is no second copy of the icon to keep in step."""
    for size, png in render_pngs(svg, ICON_SIZES).items():
        folder = hicolor / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{APP_ID}.png").write_bytes(png)


def write_icns(svg: Path, target: Path) -> None:
    """An Apple icon file (what Companion.app shows in the Finder and the Dock): the PNGs
    of every size macOS asks for, drawn from the SVG as for Linux."""
    pngs = render_pngs(svg, sorted({size for _, size in ICNS_TYPES}))
    entries = b"".join(
        kind + (8 + len(pngs[size])).to_bytes(4, "big") + pngs[size] for kind, size in ICNS_TYPES
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"icns" + (8 + len(entries)).to_bytes(4, "big") + entries)


def render_pngs(svg: Path, sizes: Iterable[int]) -> dict[int, bytes]:
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    # Painting needs a Qt application alive until the last icon is written (hence the del).
    app = QGuiApplication.instance() or QGuiApplication(["build-bundle", "-platform", "offscreen"])
    renderer = QSvgRenderer(str(svg))
    pngs: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # stubs: bytes
            raise RuntimeError(f"could not draw the {size} px icon")
        pngs[size] = bytes(buffer.data().data())
    del app
    return pngs


def write_archive() -> Path:
    from companion import __version__

    archive = DIST / f"companion-{__version__}-linux-{os.uname().machine}.tar.xz"
    print(f"build-bundle: compressing to {archive.relative_to(ROOT)}", flush=True)
    # xz -9 on every core: the smallest download for a learner on a metered line, at the
    # cost of a minute on the build machine.
    tar = ["tar", "-C", str(DIST), "-cf", str(archive), "-I", "xz -9 -T0", BUNDLE.name]
    subprocess.run(tar, check=True)  # noqa: S603 - our own arguments; tar from PATH
    return archive


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # companion's version, from the sources being built
    raise SystemExit(main())
