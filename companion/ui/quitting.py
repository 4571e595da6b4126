"""Quit means quit (issue 24, item 6). Quitting during a download once left the process
alive about 15 s, retrying against a platform already gone, while the databases were
closed under it (``Cannot operate on a closed database``).

At quit, within ``QUIT_SECONDS`` all together: the download under way is cancelled (what
arrived is kept) and every unfinished download saved for the next start; the sync is told
to stop after one last push; the workers are waited for. The databases are closed only
when every thread has ended; otherwise the process leaves without closing them (SQLite
keeps every committed transaction; an acknowledgement not yet recorded is resent, and
statement ids make that harmless), so no thread ever meets a closed database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from companion.services.download_resume import save_unfinished, take_unfinished

from companion.ui.bridge import finish_background_work, run_in_background
from companion.ui.qt import QObject

if TYPE_CHECKING:
    from companion.services.downloads import DownloadQueue

log = logging.getLogger("companion.ui")


class Stoppable(Protocol):
    """The sync engine, as quitting sees it."""

    def request_stop(self, flush: bool) -> None: ...

    def join(self, timeout: float) -> bool: ...


QUIT_SECONDS = 2.0
UNFINISHED_DOWNLOADS = "downloads-unfinished.json"  # in the profile's folder


def quit_work(
    queue: DownloadQueue | None,
    sync_of: Callable[[], Stoppable | None],
    unfinished: Path,
    close: Callable[[], None],
    seconds: float = QUIT_SECONDS,
) -> bool:
    """Stop the background work; True when every thread ended within ``seconds`` (and
    ``close``, which closes the databases, was called), False when the process must leave
    without closing them. ``sync_of`` is asked twice: a worker may start the sync while
    quitting waits for it."""
    started = time.monotonic()

    def left() -> float:
        return max(0.0, seconds - (time.monotonic() - started))

    if queue is not None:
        save_unfinished(unfinished, queue.stop())
    sync = sync_of()
    if sync is not None:
        sync.request_stop(flush=True)
    busy = []
    if not finish_background_work(int(left() * 1000)):
        busy.append("workers")
    if sync is None and (sync := sync_of()) is not None:
        sync.request_stop(flush=True)
    if queue is not None and not queue.join(left()):
        busy.append("download")
    if sync is not None and not sync.join(left()):
        busy.append("sync")
    took = time.monotonic() - started
    if busy:
        log.warning("quit: %s still busy after %.1f s; the databases stay open", busy, took)
        return False
    log.info("quit: background work ended in %.2f s", took)
    close()
    return True


def download_queue(window: QObject) -> DownloadQueue | None:
    """The library's download queue, if the library was opened and has downloaded."""
    from companion.ui.views.library_view import LibraryView

    view = window.findChild(LibraryView)
    return view.controller.queue if view is not None else None


def resume_downloads(
    parent: QObject, unfinished: Path, enqueue: Callable[[str, str | None, bool], None]
) -> None:
    """The downloads the last quit interrupted start again (the list read on a worker)."""

    def resume(jobs: list[tuple[str, str | None, bool]]) -> None:
        if jobs:
            log.info("resuming %d download(s) the last quit interrupted", len(jobs))
        for course_id, chapter_id, allow_large in jobs:
            enqueue(course_id, chapter_id, allow_large)

    run_in_background(parent, lambda: take_unfinished(unfinished), resume, local=True)
