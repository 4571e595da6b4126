"""Downloads that survive weak connections: resumable, verified, bounded, throttled.

Each asset is fetched into ``.partial/<sha>.part``; after a cut (or an app restart) the
download resumes with ``Range`` and ``If-Range`` (the asset's ETag is its digest), so a
server that changed the bytes answers 200 and we start over instead of splicing two
versions. Bytes are hashed as they arrive; a file whose digest differs is deleted and never
shown. Failures are retried with exponential backoff and jitter, honouring Retry-After.

An asset checked by its server's ETag (``check="etag-sha1"``, a Moodle site: no digest is
published before the download) is hashed with SHA-1 and compared with the ETag of the
answer that brought it; the ETag of a partial file is kept beside it, so a resume asks
for the same version. An answer without such an ETag is never kept as the file: a Moodle
site answers a refused download with HTTP 200 and a JSON error.

An asset is fetched under its lock in the store, so two processes (or threads) wanting the
same file never write it both: the second does its other files first, then waits, and finds
the file in place (or resumes the partial file a stopped download left).
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from urllib3.exceptions import HTTPError

from companion.auth.errors import SignInRequired
from companion.domain import Asset
from companion.errors import UserFacingError
from companion.i18n import _
from companion.jobs import Control
from companion.store.assets import AssetStore, disk_full_error
from companion.store.locks import FileLock
from companion.sync.bounded import blocks
from companion.sync.client import (
    HttpClient,
    PlatformError,
    PlatformUnreachable,
)
from companion.sync.download_pace import DownloadStalled, StallGuard, Throttle
from companion.sync.gathered import GatheredWriter
from companion.sync.http_policy import backoff_delay
from companion.sync.platform_v1 import PlatformV1

log = logging.getLogger("companion.sync")

CHUNK = 64 * 1024  # small enough for progress and pause on a slow link
# The most one read takes on a fast link (a read returns what has arrived, so a slow link
# still gives small blocks): 64 KiB blocks cost 0.65x curl's speed in Python's per-block
# work, 1 MiB blocks 0.9x and more (issue 14, docs/benchmarks.md).
FAST_BLOCK = 1024 * 1024
TLS_RECORD = 16 * 1024  # the most one TLS record carries
MAX_RETRY_AFTER = 60.0
LOCK_POLL_SECONDS = 0.2  # how often a download waiting for another one looks again
# A file whose size the platform did not say is bounded by what its answer announces, and
# never more than this (an answer that never ends must not fill the disk).
MAX_UNANNOUNCED_BYTES = 4 * 1024**3
_SHA1_ETAG = re.compile(r'^"([0-9a-f]{40})"$')


class CorruptDownload(UserFacingError):
    """The bytes received do not match the digest the manifest promised."""


@dataclass
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        return backoff_delay(attempt, self.base_delay, self.max_delay)


class Downloader:
    def __init__(
        self,
        client: HttpClient,
        store: AssetStore,
        *,
        parallel: int = 3,
        throttle: Throttle | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        stall: StallGuard | None = None,
        locate: Callable[[Asset], str] = PlatformV1.asset_path,
    ) -> None:
        self.client = client
        self.locate = locate  # where the platform serves a course file
        self.stall = stall or StallGuard()
        self.store = store
        self.parallel = max(1, parallel)
        self.throttle = throttle or Throttle()
        self.retry = retry or RetryPolicy()
        self.sleep = sleep  # None: wait on the job's cancel
        self.bytes_fetched = 0  # on the wire, for the benchmarks and diagnostics
        self._count_lock = threading.Lock()

    def fetch_all(
        self,
        assets: Sequence[Asset],
        control: Control,
        progress: Callable[[int], None] = lambda _n: None,
    ) -> None:
        """Fetch what is missing, ``parallel`` at a time, in the given (priority) order;
        files another download is fetching come last, once they are done or abandoned."""
        missing = [a for a in assets if not self.store.has(a.sha256)]
        busy = self._fetch_in_parallel(missing, control, progress, wait_for_others=False)
        self._fetch_in_parallel(busy, control, progress, wait_for_others=True)

    def _fetch_in_parallel(
        self,
        assets: Sequence[Asset],
        control: Control,
        progress: Callable[[int], None],
        *,
        wait_for_others: bool,
    ) -> list[Asset]:
        """Fetch ``assets``; return those left to another download (not waiting for it)."""
        if not assets:
            return []
        with ThreadPoolExecutor(self.parallel, thread_name_prefix="download") as pool:
            futures = [
                pool.submit(self.fetch, asset, control, progress, wait_for_others=wait_for_others)
                for asset in assets
            ]
            done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                control.cancelled.set()  # stop the others; their partial files are kept
                wait(futures)
                error = failed[0].exception()
                assert error is not None
                raise error
        return [asset for asset, future in zip(assets, futures, strict=True) if not future.result()]

    def fetch(
        self,
        asset: Asset,
        control: Control,
        progress: Callable[[int], None] = lambda _n: None,
        *,
        wait_for_others: bool = True,
    ) -> bool:
        """Fetch one asset unless it is here. While another thread or process fetches it,
        wait for that (or, with ``wait_for_others=False``, return False at once)."""
        if self.store.has(asset.sha256):
            return True
        lock = self.store.download_lock(asset.sha256)
        if not self._take(lock, asset, control, wait_for_others):
            return False
        try:
            if self.store.has(asset.sha256):
                progress(asset.size)  # the other download's work counts as done here too
            else:
                self._fetch_locked(asset, control, progress)
        finally:
            lock.release()
        return True

    def _take(self, lock: FileLock, asset: Asset, control: Control, wait_for_others: bool) -> bool:
        if lock.acquire():
            return True
        if not wait_for_others:
            return False
        log.info("asset %s is being fetched by another download; waiting", asset.sha256[:12])
        while not lock.acquire():
            control.checkpoint()
            control.cancelled.wait(LOCK_POLL_SECONDS)
        return True

    def _fetch_locked(
        self, asset: Asset, control: Control, progress: Callable[[int], None]
    ) -> None:
        for attempt in range(self.retry.attempts):
            control.checkpoint()
            try:
                self._attempt(asset, control, progress)
                return
            except (CorruptDownload, DownloadStalled) as error:
                if attempt >= 1 or isinstance(error, DownloadStalled):
                    raise
                log.warning(
                    "asset %s did not match its digest; fetching it again", asset.sha256[:12]
                )
            except (PlatformUnreachable, PlatformError, requests.RequestException) as error:
                status = getattr(error, "status", 0)
                if status and status < 500 and status != 429:
                    raise
                if attempt == self.retry.attempts - 1:
                    raise _gave_up(error) from error
                pause = self.retry.delay(attempt, getattr(error, "retry_after", None))
                log.info(
                    "download of %s interrupted (%s); retrying in %.1f s",
                    asset.sha256[:12],
                    type(error).__name__,
                    pause,
                )
                if self.sleep is not None:
                    self.sleep(pause)
                elif control.cancelled.wait(pause):  # quitting: no waiting it out
                    control.checkpoint()

    def _attempt(self, asset: Asset, control: Control, progress: Callable[[int], None]) -> None:
        partial = self.store.partial_path(asset.sha256)
        expected = Expected.of(asset, partial)
        digest = expected.new_digest()
        offset = 0
        if partial.exists():
            offset = partial.stat().st_size
            if (asset.size and offset > asset.size) or not expected.resumable:
                partial.unlink()
                offset = 0
            else:
                with partial.open("rb") as existing:  # resume: the hash needs the start too
                    for block in iter(lambda: existing.read(CHUNK), b""):
                        digest.update(block)
        if offset < asset.size or asset.size == 0:
            try:
                offset, digest = self._receive(
                    asset, expected, partial, offset, digest, control, progress
                )
            except CorruptDownload:
                partial.unlink(missing_ok=True)
                raise
        if not expected.matches(asset, offset, digest):
            partial.unlink(missing_ok=True)
            expected.forget()
            raise CorruptDownload(
                _("A downloaded file was damaged on the way."),
                _("Companion fetches it again; if it keeps happening, tell support staff."),
            )
        self.store.commit(asset.sha256, offset)
        expected.forget()

    def _receive(
        self,
        asset: Asset,
        expected: Expected,
        path: Path,
        offset: int,
        digest: Any,
        control: Control,
        progress: Callable[[int], None],
    ) -> tuple[int, Any]:
        headers = {"Accept": "*/*"}
        if offset:
            headers.update({"Range": f"bytes={offset}-", "If-Range": f'"{expected.digest}"'})
        response = self.client.request(
            "GET", self.locate(asset), stream=True, expect=(200, 206), headers=headers
        )
        with response:
            if response.status_code == 200 and offset:
                offset = 0  # the server sends everything again: start over cleanly
                digest = expected.new_digest()
            expected.learn(response)
            limit = expected.limit(asset, response)
            mode = "ab" if offset else "wb"
            started, received = time.monotonic(), 0
            # A cap on the bandwidth is kept in small steps, so pausing stays prompt.
            size = CHUNK if self.throttle.rate > 0 else FAST_BLOCK
            try:
                with path.open(mode) as out, GatheredWriter(out, digest, size) as gathered:
                    for block in _arriving(response, _read_size(response, size)):
                        if not control.resumed.is_set():
                            gathered.flush()  # paused: what came is on disk meanwhile
                        control.checkpoint()
                        received += len(block)
                        self.stall.check(started, received, time.monotonic())
                        self.throttle.spend(len(block))
                        gathered.write(block)  # a cut keeps every byte received
                        offset += len(block)
                        with self._count_lock:
                            self.bytes_fetched += len(block)
                        progress(len(block))
                        if offset > limit:
                            break
            except OSError as error:
                if error.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise disk_full_error() from error
                raise
        return offset, digest


@dataclass
class Expected:
    """What a download's bytes are checked against, by the asset's ``check``:

    - "sha256": the asset's own key (the platform API v1), known before the download;
    - "etag-sha1": the SHA-1 the server sends as ETag (a Moodle file), learnt from the
      answer and kept beside the partial file, so a resume asks for the same version;
    - "length": the length the answer announces (a Moodle page, made when asked: no ETag,
      no ranges), the bytes protected on the way by TLS.

    For the last two an answer of the site's own error (JSON where a file was asked) is
    never taken for the file: a Moodle site answers a refused download with HTTP 200."""

    check: str
    media_type: str
    digest: str = ""  # what the bytes must hash to; "" until the answer says it
    announced: int = 0  # the answer's length, for "length"
    etag_file: Path | None = None

    @classmethod
    def of(cls, asset: Asset, partial: Path) -> Expected:
        if asset.check == "sha256":
            return cls("sha256", asset.media_type, asset.sha256)
        etag_file = partial.with_suffix(".etag")
        try:
            kept = etag_file.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            kept = ""
        valid = asset.check == "etag-sha1" and re.fullmatch(r"[0-9a-f]{40}", kept)
        return cls(asset.check, asset.media_type, kept if valid else "", etag_file=etag_file)

    @property
    def resumable(self) -> bool:
        return self.check == "sha256" or bool(self.digest)

    def new_digest(self) -> Any:
        return hashlib.sha1() if self.check == "etag-sha1" else hashlib.sha256()  # noqa: S324

    def limit(self, asset: Asset, response: requests.Response) -> int:
        """The most bytes this file may have: a file never grows past what was said."""
        return asset.size or self.announced or _announced_size(response)

    def learn(self, response: requests.Response) -> None:
        if self.check == "sha256":
            return
        if _is_error_answer(response, self.media_type):
            raise refused_download(response)
        if self.check == "length":
            length = response.headers.get("Content-Length", "")
            if not length.isdigit() or response.status_code != 200:
                raise refused_download(response)
            self.announced = int(length)
            return
        match = _SHA1_ETAG.match(response.headers.get("ETag", "").strip())
        if match is None:
            raise refused_download(response)
        if self.digest and match.group(1) != self.digest:
            self.forget()  # a 206 of another version (Moodle ignores If-Range): start over
            raise CorruptDownload(
                _("A downloaded file was damaged on the way."),
                _("Companion fetches it again; if it keeps happening, tell support staff."),
            )
        self.digest = match.group(1)
        assert self.etag_file is not None
        self.etag_file.write_text(self.digest, encoding="ascii")

    def matches(self, asset: Asset, received: int, digest: Any) -> bool:
        if self.check == "length":
            return received == self.announced
        size_right = received == asset.size or (asset.size == 0 and self.check == "etag-sha1")
        return size_right and digest.hexdigest() == self.digest

    def forget(self) -> None:
        if self.etag_file is not None:
            self.etag_file.unlink(missing_ok=True)


def _is_error_answer(response: requests.Response, media_type: str) -> bool:
    answered = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return answered == "application/json" and "json" not in media_type.lower()


def _announced_size(response: requests.Response) -> int:
    """The whole file's size as the answer announces it, at most MAX_UNANNOUNCED_BYTES."""
    total = response.headers.get("Content-Range", "").rpartition("/")[2]
    length = total if total.isdigit() else response.headers.get("Content-Length", "")
    return min(int(length), MAX_UNANNOUNCED_BYTES) if length.isdigit() else MAX_UNANNOUNCED_BYTES


def refused_download(response: requests.Response) -> UserFacingError:
    """A file answer that is not the file: the site's error, in words."""
    body = b""
    if "json" in response.headers.get("Content-Type", ""):
        body = next(blocks(response, 4096), b"")[:4096]
    code = ""
    try:
        answer = json.loads(body) if body else None
        code = str(answer.get("errorcode", ""))[:60] if isinstance(answer, dict) else ""
    except ValueError:
        pass
    log.info("a download was answered without the file (%s)", code or "no check given")
    if code in ("invalidtoken", "missingparam", "accessexception", "requireloginerror"):
        return SignInRequired(
            _("The site ended your session. Sign in to it again."),
            _("Your downloads and progress are kept on this computer."),
        )
    return PlatformError(
        _("The site did not send the file."),
        _("Try again later. If it lasts, tell your training centre."),
        status=403 if code else 502,
    )


def _read_size(response: requests.Response, size: int) -> int:
    """Over HTTPS a read returns at most one TLS record (16 KiB): asking for more only
    makes Python allocate, and shrink, a larger buffer for each (16 KiB reads of a Moodle
    site's files ran at 0.92x ``curl -o``, 1 MiB reads at 0.75x; docs/benchmarks.md)."""
    return min(size, TLS_RECORD) if response.url.startswith("https://") else size


def _arriving(response: requests.Response, size: int) -> Iterator[bytes]:
    """The body as it comes, each block written as soon as it is here: a cut connection
    then loses nothing it delivered, and the ``Range`` resume starts after the last byte
    (``iter_content`` held back up to a block, and a cut threw it away each time)."""
    try:
        yield from blocks(response, size)
    except (HTTPError, http.client.HTTPException) as error:  # what requests would wrap
        raise requests.ConnectionError(f"{type(error).__name__}: {error}") from error


def _gave_up(error: BaseException) -> UserFacingError:
    if isinstance(error, UserFacingError):
        return error
    return PlatformUnreachable(
        _("The download was interrupted too many times."),
        _("Companion will continue where it stopped when the connection is back."),
    )
