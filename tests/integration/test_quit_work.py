"""What quitting relies on (issue 24, item 6), without a window: the sync engine says
whether its worker ended, the download queue stops at once and says what it did not
finish, and that list comes back once at the next start."""

from __future__ import annotations

import threading
import time

from companion.services.download_resume import save_unfinished, take_unfinished
from companion.services.downloads import DownloadQueue
from companion.services.progress import ProgressService
from companion.sync.engine import SyncEngine, Target
from tests.integration.test_push import api_for
from tests.sync_helpers import HOME, complete_chapters


def test_a_sync_held_by_a_slow_store_is_reported_as_still_running(sandbox, tmp_path):
    sandbox.faults.set(latency_ms=3_000, path_prefix="/v1/xapi")  # slow, within the timeout
    progress, api = ProgressService(tmp_path), api_for(sandbox)
    engine = SyncEngine(progress, lambda: Target(api, "u-1001", HOME), lambda _s: None)
    complete_chapters(progress, 3)
    engine.start()
    time.sleep(0.5)  # the statements are on their way
    started = time.monotonic()
    engine.request_stop(flush=True)
    assert engine.join(1.0) is False  # the caller must keep the databases open
    assert time.monotonic() - started < 1.5
    assert engine.join(10.0) is True  # the sync under way ends, and no second push follows
    assert progress.pending_count() == 0 and sandbox.statements.count() == 3
    progress.close()


class Library:
    def __init__(self) -> None:
        self.started = threading.Event()

    def download(self, _course, control, _progress, **_options):
        self.started.set()
        while True:
            control.checkpoint()  # raises Cancelled once cancelled
            time.sleep(0.01)


def test_the_download_queue_stops_at_once_and_says_what_is_unfinished(tmp_path):
    library = Library()
    queue = DownloadQueue(lambda: library, lambda _event: None)  # type: ignore[arg-type,return-value]
    queue.enqueue("course-a")
    assert library.started.wait(5)
    queue.enqueue("course-b", "chapter-1")
    started = time.monotonic()
    unfinished = queue.stop()
    assert queue.join(2.0) and time.monotonic() - started < 1.0
    assert [(j.course_id, j.chapter_id) for j in unfinished] == [
        ("course-a", None),
        ("course-b", "chapter-1"),
    ]
    path = tmp_path / "unfinished.json"
    save_unfinished(path, unfinished)
    assert take_unfinished(path) == [("course-a", None, False), ("course-b", "chapter-1", False)]
    assert take_unfinished(path) == []  # once


def test_a_damaged_list_of_unfinished_downloads_resumes_nothing(tmp_path):
    path = tmp_path / "unfinished.json"
    for text in ("{", '{"a": 1}', '[["../../etc", null, false], [1, 2, 3], "x"]', "[" * 100_000):
        path.write_text(text)
        assert take_unfinished(path) == []
        assert not path.exists()


class Unreachable:
    def download(self, course, _control, _progress, **_options):
        from companion.sync.download_pace import DownloadStalled

        raise DownloadStalled("too slow")


def test_a_download_stopped_by_the_connection_resumes_at_the_next_start(tmp_path):
    """Issue 24: a download below the useful rate stops with its message, and resumes
    later: at the next start, unless the learner resumed it before."""
    events: list[str] = []
    queue = DownloadQueue(lambda: Unreachable(), lambda e: events.append(e.kind))  # type: ignore[arg-type,return-value]
    queue.enqueue("course-a")
    assert queue.join(5.0)
    assert "failed" in events
    assert [(j.course_id, j.chapter_id) for j in queue.stop()] == [("course-a", None)]
