"""Issue 24, items 1 and 2, in the reader: the hostile chapters of the issue open in a
process of their own (tests/ui/reader_memory_probe.py) whose peak memory and longest GUI
stall are measured; an SVG naming the learner's files opens none of them (strace sees every
file the process opens, Qt's included; an audit hook, what Python opens)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from companion.services.chapter_images import ImageBudget
from tests.unit.test_chapter_images import pillow

from companion.ui.qt import QImage, QUrl
from companion.ui.widgets.chapter_browser import ChapterBrowser, decode

REPO = Path(__file__).resolve().parents[2]
PEAK_MB = 300  # the issue's bar: 2.3 GB, 3.4 GB and 3.45 GB before
GUI_STALL_MS = 100  # 19.3 s before, for the PNGs


def probe(
    store: Path, kind: str, count: int, *, trace: Path | None = None, **env: str
) -> dict[str, Any]:
    command = [sys.executable, "-m", "tests.ui.reader_memory_probe", str(store), kind, str(count)]
    if trace is not None:
        command = ["strace", "-f", "-qq", "-e", "trace=%file", "-o", str(trace), *command]
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO), **env}
    done = subprocess.run(
        command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=240
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("report ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return dict(json.loads(lines[-1].removeprefix("report ")))


@pytest.mark.parametrize(
    ("kind", "count", "shown", "refused"),
    [("svg", 12, 12, 0), ("svg", 30, 16, 14), ("png", 22, 0, 22)],
    ids=["12-svg-7000px", "30-svg-7000px", "22-png-7000px-rgba"],
)
def test_a_hostile_chapter_stays_small_and_never_blocks_the_window(
    tmp_path, kind, count, shown, refused
):
    report = probe(tmp_path, kind, count)
    print({k: v for k, v in report.items() if k != "python_opened"})  # for the docs
    assert report["failures"] == []
    assert report["peak_mb"] < PEAK_MB
    assert report["longest_gui_stall_ms"] < GUI_STALL_MS
    assert report["images_shown"] == shown
    assert report["too_large"] + report["not_shown"] == refused
    assert report["text_shown_s"] is not None
    if shown:  # drawn, and after the text
        assert report["first_image_colour"] == "#cc3333"
        assert report["all_shown_s"] >= report["text_shown_s"]


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_a_course_svg_opens_no_file_outside_the_course(tmp_path):
    secret = tmp_path / "learner" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)  # the learner's picture
    store, trace = tmp_path / "store", tmp_path / "trace"
    report = probe(store, "prying", 1, trace=trace, PROBE_SECRET=str(secret))
    assert report["images_shown"] == 1
    assert report["first_image_colour"] == "#33cc33"  # the drawing itself is shown
    opened = trace.read_text()
    for target in (str(secret), "/etc/passwd", "/proc/self/environ", "/dev/zero"):
        assert target not in opened
    python_files = {sys.prefix, sys.base_prefix, str(REPO), "/usr/lib", "/usr/share"}
    for path in report["python_opened"]:  # while the chapter was open
        resolved = os.path.realpath(path)
        assert resolved.startswith(str(store)) or any(
            resolved.startswith(os.path.realpath(root)) for root in python_files
        ), path


def test_the_reader_loads_no_address_itself(qtbot):
    browser = ChapterBrowser()
    qtbot.addWidget(browser)
    image = QImage(4, 2, QImage.Format.Format_ARGB32)
    browser.setHtml("<p>x<img src='companion-image:0' width='4' height='2'></p>")
    for address in ("file:///etc/passwd", "/etc/passwd", "https://example.invalid/a.png"):
        assert browser.loadResource(2, QUrl(address)) is None  # 2: an image
        assert browser.loadResource(3, QUrl(address)) is None  # 3: a style sheet
    pending = browser.loadResource(2, QUrl("companion-image:0"))
    assert pending.size().width() == 1  # a placeholder until the decoded image comes
    browser.show_image("companion-image:0", image)
    assert browser.document().resource(2, QUrl("companion-image:0")).size() == image.size()


@pytest.mark.parametrize(
    ("fmt", "options"),
    [("PNG", {}), ("JPEG", {}), ("GIF", {"save_all": True}), ("WEBP", {"lossless": True})],
)
def test_an_image_within_the_budget_is_decoded_at_the_size_shown(tmp_path, fmt, options):
    path = tmp_path / "image"
    path.write_bytes(pillow(fmt, (2400, 600), **options))
    budget = ImageBudget()
    budget.block(path, "image/whatever", "")
    decoded = decode(budget.images[0])
    assert (decoded.width(), decoded.height()) == (1000, 250)


def test_an_svg_is_drawn_at_the_size_shown_from_its_cleaned_text(tmp_path):
    path = tmp_path / "drawing"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 70000 7000">'
        '<rect width="70000" height="7000" fill="#0000ff"/></svg>'
    )
    budget = ImageBudget()
    budget.block(path, "image/svg+xml", "")
    path.unlink()  # drawn from the cleaned text in memory, not from the file
    decoded = decode(budget.images[0])
    assert (decoded.width(), decoded.height()) == (1000, 100)
    assert decoded.pixelColor(500, 50).name() == "#0000ff"
