"""Companion as a learner starts it (``python -m companion``), made busy once its window
has painted, for tests/e2e/test_quit.py (issue 24, item 6):

- ``idle``: nothing (a start after one of these);
- ``download``: the course ``QUIT_PROBE_COURSE`` is queued for download (the test throttles
  the sandbox's files); "busy" is printed once it has started;
- ``sync``: five chapters are completed and sent to an LRS the test makes slow, for the
  learner whose token is ``QUIT_PROBE_TOKEN`` (the sign-in is not what is tested here);
  "busy" is printed once the sync is asked for.

The test then sends SIGTERM (what a session's log-out sends) and times the exit.
"""

from __future__ import annotations

import os
import runpy
import sys
from typing import Any

from companion.app.context import AppContext

MODE = os.environ["QUIT_PROBE"]


def sync_target(self: AppContext) -> Any:
    from companion.sync.client import HttpClient, NetworkConfig
    from companion.sync.engine import Target
    from companion.sync.platform_v1 import PlatformV1
    from tests.sync_helpers import HOME, StaticToken

    config = NetworkConfig(base_url=os.environ["QUIT_PROBE_URL"], retries=0, timeout_seconds=30)
    api = PlatformV1(HttpClient(config), StaticToken(os.environ["QUIT_PROBE_TOKEN"]))
    return Target(api, "u-1001", HOME, self.progress())


def busy(window: Any) -> None:
    context = window.context
    if MODE == "download":

        def started(event: Any) -> None:
            if event.kind == "started":
                print("busy", flush=True)

        view = window.library_view
        view.controller.queue_event.connect(started)
        view.controller.enqueue(os.environ["QUIT_PROBE_COURSE"], None, True)
    elif MODE == "sync":
        from tests.sync_helpers import complete_chapters

        complete_chapters(context.progress(), 5)
        print(f"pending {context.progress().pending_count()}", flush=True)

        context.start_sync(lambda _status: None).sync_now()  # the window's, if started
        print("busy", flush=True)  # the LRS holds the POST: the test waits a moment more


def main() -> None:
    if MODE == "sync":
        AppContext._sync_target = sync_target  # type: ignore[method-assign]
    import companion.ui.app as app_module
    from companion.ui.qt import QTimer

    close_on_termination = app_module.close_on_termination

    def also_busy(app: Any, window: Any) -> None:
        close_on_termination(app, window)
        QTimer.singleShot(1500, lambda: busy(window))  # once the window's own start is done

    app_module.close_on_termination = also_busy
    sys.argv = ["companion"]
    runpy.run_module("companion", run_name="__main__")


if __name__ == "__main__":
    main()
