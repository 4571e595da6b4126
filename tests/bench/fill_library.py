"""Fill a learner's home with every course of the platform, downloaded: the 50-course
library of the start-up benchmark. Run in its own process with HOME set to that home.

    python -m tests.bench.fill_library
"""

from __future__ import annotations

import threading

from companion.app.context import AppContext
from companion.jobs import Control
from tests.auth_helpers import Browser, MemoryKeyring


def main() -> None:
    import keyring

    keyring.set_keyring(MemoryKeyring())
    context = AppContext.create()
    try:
        context.account.sign_in_with_browser(Browser("camille"), threading.Event())
        library = context.library()
        courses = context.catalog.refresh().courses
        for course in courses:
            library.download(course.id, Control.new())
        print(f"downloaded {len(courses)} courses", flush=True)
    finally:
        context.close()


if __name__ == "__main__":
    main()
