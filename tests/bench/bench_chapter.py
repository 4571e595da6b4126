"""What a chapter costs to show (issue 27): the reader's text (its measure and its marks for
a screen reader) against a bare QTextBrowser given the same HTML, in the same process.

    scripts/run-bench chapter [--runs 7] [--paragraphs 100,1000,10000]

Each size is a chapter of that many paragraphs (about 140 bytes each), one link in ten,
a heading every twenty; shown at 1280x800, offscreen. Figures are medians over ``--runs``
of the time ``setHtml`` takes until the text is laid out, for the reader with a screen
reader listening (its marks made) and without (none made); ratios are to the bare browser.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

PARAGRAPH = (
    "<p>Le bâtiment et les travaux publics restent l'un des secteurs où les accidents "
    "<b>du travail</b> sont les plus nombreux{link}.</p>"
)
LINK = ", voir <a href='https://example.org/fiche-{n}'>la fiche {n}</a>"


def chapter(paragraphs: int) -> str:
    parts = []
    for n in range(paragraphs):
        if n % 20 == 0:
            parts.append(f"<h2>Partie {n // 20 + 1}</h2>")
        parts.append(PARAGRAPH.format(link=LINK.format(n=n) if n % 10 == 0 else ""))
    return "".join(parts)


def shown_in(browser: Any, page: str, app: Any) -> float:
    """Seconds from ``setHtml`` until the text is laid out and the events are handled."""
    started = time.perf_counter()
    browser.setHtml(page)
    browser.document().documentLayout().documentSize()  # laid out to the end
    app.processEvents()
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--paragraphs", default="100,1000,10000")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from companion.ui.accessible_roles import install
    from companion.ui.qt import QAccessible, QApplication, QTextBrowser
    from companion.ui.widgets.chapter_browser import ChapterBrowser

    app = QApplication.instance() or QApplication([])
    install()
    reader, bare = ChapterBrowser(), QTextBrowser()
    for browser in (reader, bare):
        browser.resize(1280, 800)
        browser.show()
    print(
        "| paragraphs | KB | bare QTextBrowser (ms) | reader, screen reader on (ms) | ratio "
        "| marks | reader, no screen reader (ms) | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(n) for n in args.paragraphs.split(",")):
        page = chapter(size)
        times: dict[str, list[float]] = {"bare": [], "listened": [], "alone": []}
        for _run in range(args.runs):  # alternated, so all see the same machine
            times["bare"].append(shown_in(bare, page, app))
            QAccessible.setActive(True)  # as with a screen reader on: marks are made
            times["listened"].append(shown_in(reader, page, app))
            marks = len(reader.marks.widgets)
            QAccessible.setActive(False)
            times["alone"].append(shown_in(reader, page, app))
        bare_ms, listened_ms, alone_ms = (
            statistics.median(times[kind]) * 1000 for kind in ("bare", "listened", "alone")
        )
        print(
            f"| {size} | {len(page.encode()) // 1024} | {bare_ms:.1f} | {listened_ms:.1f} "
            f"| {listened_ms / bare_ms:.2f}x | {marks} | {alone_ms:.1f} "
            f"| {alone_ms / bare_ms:.2f}x |"
        )
    return 0
