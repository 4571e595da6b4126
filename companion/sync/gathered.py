"""A download's bytes written to its file and hashed, by gathered blocks.

Over HTTPS a read returns one TLS record (8-16 KiB): written and handed to the hashing
thread one by one, that is some 3,000 system calls and thread hand-overs for 24 MB, which
cost Companion a tenth of ``curl -o``'s speed (docs/benchmarks.md). Blocks are gathered up
to ``size`` (1 MiB on a fast link, 64 KiB under a speed cap) or for at most a quarter of a
second (so a slow link still writes often), then written and hashed as one. Leaving the
``with``, normally or by an error (a cut connection), writes what is gathered and waits
until the digest has every byte: only a kill loses the unwritten part, and the ``Range``
resume fetches it again.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import IO, Any

HASH_QUEUE_BLOCKS = 8  # at most this many gathered blocks wait to be hashed
# On a slow link blocks are written at least this often, however few bytes they hold: a
# kill then loses at most this much of the learner's download time.
MAX_HOLD_SECONDS = 0.25


class GatheredWriter:
    """Hashes on a thread of its own while the next blocks are read: hashlib lets go of the
    GIL on large blocks, so the two overlap (the serial loop spent a third of its time in
    ``digest.update``)."""

    def __init__(self, out: IO[bytes], digest: Any, size: int) -> None:
        self.out = out
        self.digest = digest
        self.size = size
        self._blocks: queue.Queue[bytes | None] = queue.Queue(HASH_QUEUE_BLOCKS)
        self._thread = threading.Thread(target=self._run, name="download-hash", daemon=True)
        self._parts: list[bytes] = []
        self._held = 0
        self._since = time.monotonic()

    def __enter__(self) -> GatheredWriter:
        self._thread.start()
        return self

    def write(self, block: bytes) -> None:
        self._parts.append(block)
        self._held += len(block)
        if self._held >= self.size or time.monotonic() - self._since >= MAX_HOLD_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write what is gathered now (before a pause, say)."""
        self._since = time.monotonic()
        if not self._parts:
            return
        data = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
        self._parts, self._held = [], 0
        self.out.write(data)  # one copy serves the file and the digest
        self._blocks.put(data)

    def _run(self) -> None:
        while (block := self._blocks.get()) is not None:
            self.digest.update(block)

    def __exit__(self, *_exc: object) -> None:
        try:
            self.flush()
        finally:
            self._blocks.put(None)
            self._thread.join()
