"""Opens one hostile chapter in the reader, in a process of its own, and reports its peak
memory and the longest the GUI thread was kept from its event loop (issue 24). Run by
tests/ui/test_reader_images.py: ``python -m tests.ui.reader_memory_probe STORE KIND COUNT``.

The chapter goes through the real path: the library's page (``chapter_page``: headers read,
budget applied, SVG cleaned), the reading controller (text first, images decoded one at a
time on a worker) and the reader's browser. The process runs under an address-space cap, so
a decode of gigabytes fails here instead of taking the machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import resource
import struct
import sys
import time
import zlib
from pathlib import Path
from typing import Any, cast

ADDRESS_SPACE_CAP = 3 * 1024**3 // 2  # VmPeak is ~0.5 GB; the chapters took 2.3-3.45 GB
TICK_MS = 5


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def png(width: int, height: int, idat: bytes, note: bytes = b"") -> bytes:
    """An RGBA PNG around already compressed rows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    extra = chunk(b"tEXt", b"Comment\0" + note) if note else b""
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + extra + chunk(b"IEND", b"")


def blank_rows(width: int, height: int) -> bytes:
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + width * 4)
    return b"".join(packer.compress(row) for _ in range(height)) + packer.flush()


def hostile_png(index: int) -> bytes:
    """A 7000×7000 RGBA PNG of about 190 kB: zeros, well compressed; each file its own."""
    global _ROWS
    if _ROWS is None:
        _ROWS = blank_rows(7000, 7000)
    return png(7000, 7000, _ROWS, str(index).encode())


_ROWS: bytes | None = None


def prying_svg(index: int) -> bytes:
    """An SVG naming files outside its course, every way (``PROBE_SECRET``: one of the
    learner's pictures); only the green rectangle and the embedded dot may be drawn."""
    secret = os.environ["PROBE_SECRET"]
    embedded = base64.b64encode(png(4, 4, blank_rows(4, 4))).decode()
    refs = [
        secret,
        f"file://{secret}",
        "../../" * 8 + secret.lstrip("/"),
        "/etc/passwd",
        "/proc/self/environ",
        "/dev/zero",
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/x.png",
    ]
    images = "".join(f'<image href="{r}" width="50" height="50"/>' for r in refs)
    images += "".join(f'<image xlink:href="{r}" width="50" height="50"/>' for r in refs)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="400" height="300"><style>@import url("/etc/passwd");'
        f" .a {{ fill: url({secret}) }}</style>"
        '<rect width="400" height="300" fill="#33cc33"/>'
        f'<rect class="a" width="10" height="10" style="fill:url(file://{secret})"/>'
        f'<use href="/etc/passwd#x"/><use xlink:href="{secret}#x"/>{images}'
        f'<image href="data:image/png;base64,{embedded}" width="20" height="20"/>'
        f"<!-- {index} --></svg>"
    ).encode()


def hostile_svg(index: int) -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="7000" height="7000">'
        b'<rect width="7000" height="7000" fill="#c33"/><!-- %d --></svg>' % index
    )


def chapter_of(store_root: Path, kind: str, count: int):
    from companion.domain import Asset, Block, Chapter, CourseManifest, Part
    from companion.store.assets import AssetStore

    assets = AssetStore(store_root)
    intro = "<h1>Chapitre</h1><p>Le texte vient d'abord.</p>"
    if kind == "prying":  # the chapter's HTML names them too
        secret = os.environ["PROBE_SECRET"]
        intro += (
            f"<img src='{secret}'><img src='file:///etc/passwd'><img src='../../../dev/zero'>"
            "<link rel='stylesheet' href='/proc/self/environ'><style>@import url(/etc/passwd)"
            f"</style><p style='background:url({secret})'>x</p><a href='file:///etc/passwd'>a</a>"
        )
    blocks = [Block("text", "Intro", text=intro)]
    for index in range(count):
        make = {"png": hostile_png, "svg": hostile_svg, "prying": prying_svg}[kind]
        data = make(index)
        media_type = "image/png" if kind == "png" else "image/svg+xml"
        sha = hashlib.sha256(data).hexdigest()
        partial = assets.partial_path(sha)
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        assets.commit(sha, len(data))
        blocks.append(Block("image", f"Image {index}", Asset(sha, len(data), media_type)))
    chapter = Chapter("c1", "Hostile", tuple(blocks))
    manifest = CourseManifest("hostile", "1", "Hostile", "fr", (Part("p1", "P", (chapter,)),))
    return chapter, manifest, assets


class Library:
    def __init__(self, chapter, manifest, assets) -> None:
        self._chapter, self._manifest, self.assets = chapter, manifest, assets

    def chapter(self, _course: str, _chapter: str):
        return self._chapter

    def chapter_page(self, _course: str, _chapter: str):
        from companion.services.chapter_text import chapter_page

        return chapter_page(self._chapter, self._manifest, self.assets)


class Progress:
    def position(self, *_args: object) -> float:
        return 0.0

    def open_chapter(self, *_args: object) -> None:
        pass

    def save_position(self, *_args: object) -> None:
        pass

    def record_study(self, *_args: object) -> bool:
        return True


def first_image_colour(reader) -> str:
    """The colour drawn under the chapter's heading: where the first image is."""
    reader.browser.verticalScrollBar().setValue(0)
    page_margin = int(reader.browser.document().rootFrame().frameFormat().leftMargin())
    image = reader.browser.viewport().grab().toImage()
    return str(image.pixelColor(page_margin + 100, 200).name())  # the text is centred


def main() -> None:
    store_root, kind, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))
    chapter, manifest, assets = chapter_of(store_root, kind, count)

    from companion.ui.qt import QApplication, QTimer
    from companion.ui.views.reader_view import ReaderView
    from companion.ui.views.reading import ReadingController
    from companion.ui.widgets.banner import MessageBanner

    app = QApplication([])
    reader, banner = ReaderView(), MessageBanner()
    reader.resize(900, 700)
    reader.show()
    failures: list[str] = []
    library, progress = Library(chapter, manifest, assets), Progress()
    controller = ReadingController(
        lambda: cast(Any, library),
        lambda _course: cast(Any, progress),
        store_root,
        reader,
        banner,
        lambda: manifest,
        lambda error: failures.append(repr(error)),
        reader,
    )
    shown: list[float] = []
    show_image = reader.browser.show_image

    def counted(key: str, image: object) -> None:
        show_image(key, image)
        shown.append(time.monotonic())

    reader.browser.show_image = counted  # type: ignore[method-assign]
    ticks = {"last": time.monotonic(), "longest": 0.0}

    def tick() -> None:
        now = time.monotonic()
        ticks["longest"] = max(ticks["longest"], now - ticks["last"])
        ticks["last"] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(TICK_MS)
    before = peak_rss_mb()
    text_at: list[float] = []
    controller.shown.connect(lambda: text_at.append(time.monotonic()))
    opened_at: list[float] = []

    opened: list[str] = []

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and opened_at and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(args[0]))

    sys.addaudithook(audit)  # what Python opens; strace (in the test) sees Qt's too

    def open_chapter() -> None:
        opened_at.append(time.monotonic())
        controller.open("hostile", "c1")

    QTimer.singleShot(200, open_chapter)

    def finish() -> None:
        python_opened = sorted(set(opened))  # before this report reads /proc
        page = reader.browser.toHtml()
        report = {
            "peak_before_mb": round(before, 1),
            "peak_mb": round(peak_rss_mb(), 1),
            "longest_gui_stall_ms": round(ticks["longest"] * 1000, 1),
            "images_shown": len(shown),
            "text_shown_s": round(text_at[0] - opened_at[0], 3) if text_at else None,
            "all_shown_s": round(shown[-1] - opened_at[0], 3) if shown else None,
            "first_image_colour": first_image_colour(reader),
            "too_large": page.count("too large") + page.count("trop grande"),
            "not_shown": page.count("is not shown") + page.count("pas affichée"),
            "failures": failures,
            "python_opened": python_opened,
        }
        print("report " + json.dumps(report), flush=True)
        app.quit()

    def settle() -> None:  # every image shown, or none coming: then report
        if text_at and (time.monotonic() - (shown[-1] if shown else text_at[0])) > 1.0:
            finish()
        else:
            QTimer.singleShot(100, settle)

    QTimer.singleShot(300, settle)
    QTimer.singleShot(120_000, finish)
    app.exec()


if __name__ == "__main__":
    main()
