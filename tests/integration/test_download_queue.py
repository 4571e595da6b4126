"""The download queue against the sandbox: priorities, one job at a time, events."""

from __future__ import annotations

import threading

from companion.services.downloads import DownloadQueue, Event
from companion.services.library import OFFLINE


class Recorder:
    """Collects the queue's events; ``idle`` is set when the queue has nothing left."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.idle = threading.Event()

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        if event.kind == "idle":
            self.idle.set()


def test_chapters_go_before_courses_and_every_job_reports(platform_env, context):
    recorder = Recorder()
    events, idle = recorder.events, recorder.idle
    platform_env.faults.set(bandwidth_bps=300_000, path_prefix="/v1/assets")
    queue = DownloadQueue(context.library, recorder)
    queue.pause()  # hold the first job so that the others queue behind it
    queue.enqueue("creer-son-entreprise")
    started_first = threading.Event()
    deadline = 100
    while queue.current is None and deadline:  # the queue's thread has taken it
        started_first.wait(0.05)
        deadline -= 1
    queue.enqueue("securite-chantier")
    queue.enqueue("debuter-python", chapter_id="py-p1-c2")
    queue.enqueue("securite-chantier")  # asked twice: queued once
    assert [job.course_id for job in queue.waiting()] == ["debuter-python", "securite-chantier"]
    queue.resume()
    assert idle.wait(60)
    started = [e.job.course_id for e in events if e.kind == "started" and e.job]
    assert started == ["creer-son-entreprise", "debuter-python", "securite-chantier"]
    assert [e.kind for e in events].count("finished") == 3
    assert any(e.kind == "progress" for e in events)
    library = context.library()
    assert library.chapter_states("debuter-python")["py-p1-c2"] == OFFLINE
    assert set(library.chapter_states("securite-chantier").values()) == {OFFLINE}


def test_a_failed_job_does_not_stop_the_queue(context):
    recorder = Recorder()
    events, idle = recorder.events, recorder.idle
    queue = DownloadQueue(context.library, recorder)
    queue.pause()
    queue.enqueue("no-such-course")
    queue.enqueue("securite-chantier")
    queue.resume()
    assert idle.wait(60)
    kinds = [(e.kind, e.job.course_id if e.job else None) for e in events]
    assert ("failed", "no-such-course") in kinds
    assert ("finished", "securite-chantier") in kinds
