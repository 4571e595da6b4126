"""Start Ralph (the LRS of France Université Numérique) for the tests, in its own venv.

Run with .venv-ralph/bin/python; configured by RALPH_* variables (see tests/ralph/server.py).

Two things differ from `ralph runserver`: uvicorn runs in this process without its
reloader (the reloader's child would not see the change below, and a test server needs
no reload), and the filesystem backend appends. Its default write operation is "create",
with which every POST after the first fails with 500 (fs_lrs.jsonl already exists): the
filesystem backend is meant for one-shot imports, not a live store.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run("ralph.api:app", host=host, port=port, log_level="warning")
