"""Prefetch: fill the machine's shared asset cache with whole courses, with nobody signed in.

For training centres: a nightly job (``companion prefetch --all``, see packaging/linux/)
fetches the courses before learners arrive, so a morning's kiosks read them from the disk
instead of twenty learners downloading the same videos over the centre's link.

No learner is needed: the catalogue, manifests and assets are public in the platform API
(resources/openapi.yaml gives them no security requirement; assets are the same bytes for
everyone). What is fetched is held in the shared store under a machine owner,
``prefetch``, and pinned, so a learner's storage budget never evicts it as if it were that
learner's least recently used course. A learner who then downloads such a course fetches
only its manifest: every file is already there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

from companion import formatting
from companion.domain import CourseManifest
from companion.errors import UserFacingError
from companion.i18n import _, ngettext
from companion.jobs import Control
from companion.services.connection import PlatformConnection
from companion.services.fetching import configured_downloader, storage_budget
from companion.settings import Settings
from companion.store.assets import AssetStore

log = logging.getLogger("companion.services")

PREFETCH_OWNER = "prefetch"  # the holdings owner of machine-wide prefetched courses
PROGRESS_EVERY_SECONDS = 10.0


class CourseResult(NamedTuple):
    course_id: str
    fetched_files: int = 0
    fetched_bytes: int = 0
    error: UserFacingError | None = None


class PrefetchReport(NamedTuple):
    results: list[CourseResult]
    not_tried: list[str]  # after the platform stopped answering

    @property
    def failed(self) -> list[CourseResult]:
        return [r for r in self.results if r.error is not None]

    @property
    def fetched_bytes(self) -> int:
        return sum(r.fetched_bytes for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_tried

    def error(self) -> UserFacingError | None:
        """What to tell whoever reads the job's output, or None when every course is ready."""
        from companion.sync.client import PlatformUnreachable

        if self.ok:
            return None
        last = self.failed[-1].error
        assert last is not None
        if isinstance(last, PlatformUnreachable):
            return _unreachable(last)
        failed = [r.course_id for r in self.failed]
        return UserFacingError(
            ngettext(
                "Prefetch failed for {failed} of {n} course: {courses}.",
                "Prefetch failed for {failed} of {n} courses: {courses}.",
                len(self.results),
            ).format(failed=len(failed), n=len(self.results), courses=", ".join(failed)),
            _("The lines above say why. What was fetched is kept for the next run."),
            reference=last.reference,
        )


def _print(line: str) -> None:
    print(line, flush=True)  # a log file or the journal sees each line as it comes


class PrefetchService:
    def __init__(
        self,
        connection: PlatformConnection,
        settings: Settings,
        assets: AssetStore,
        say: Callable[[str], None] = _print,
        progress_every: float = PROGRESS_EVERY_SECONDS,
    ) -> None:
        self.connection = connection
        self.settings = settings
        self.assets = assets
        self.say = say
        self.progress_every = progress_every

    def catalogue_ids(self) -> list[str]:
        """Every course the platform lists (``--all``)."""
        from companion.sync.client import PlatformUnreachable

        try:
            return [course.id for course in self.connection.api().catalog()]
        except PlatformUnreachable as error:
            raise _unreachable(error) from error

    def run(self, course_ids: Sequence[str], control: Control | None = None) -> PrefetchReport:
        """Prefetch each course in turn. A course that fails does not stop the others; a
        platform that no longer answers does (the rest would fail alike)."""
        from companion.sync.client import PlatformUnreachable

        control = control or Control.new()
        unique = list(dict.fromkeys(course_ids))
        self.say(
            ngettext(
                "Prefetching {n} course into {folder}",
                "Prefetching {n} courses into {folder}",
                len(unique),
            ).format(n=len(unique), folder=self.assets.root)
        )
        results: list[CourseResult] = []
        for index, course_id in enumerate(unique, start=1):
            label = f"[{index}/{len(unique)}] {course_id}"
            try:
                results.append(self._prefetch(course_id, label, control))
            except PlatformUnreachable as error:
                results.append(CourseResult(course_id, error=error))
                self._failed(label, error)
                return PrefetchReport(results, unique[index:])
            except UserFacingError as error:
                results.append(CourseResult(course_id, error=error))
                self._failed(label, error)
        report = PrefetchReport(results, [])
        self.say(
            ngettext(
                "Prefetch finished: {ok} of {n} ready, {size} fetched.",
                "Prefetch finished: {ok} of {n} ready, {size} fetched.",
                len(unique) - len(report.failed),
            ).format(
                ok=len(unique) - len(report.failed),
                n=len(unique),
                size=formatting.size(report.fetched_bytes),
            )
        )
        return report

    def _failed(self, label: str, error: UserFacingError) -> None:
        self.say(
            _("{course}: failed: {message} (reference {reference})").format(
                course=label, message=error.message, reference=error.reference
            )
        )
        log.info("prefetch of %s failed [%s]: %s", label, error.reference, error.message)

    def _prefetch(self, course_id: str, label: str, control: Control) -> CourseResult:
        manifest = self._manifest(course_id)
        wanted = manifest.assets()
        # Held (and pinned) before anything is fetched: a learner's storage budget making
        # room meanwhile must not collect the files as they arrive.
        self.assets.hold(PREFETCH_OWNER, course_id, [a.sha256 for a in wanted])
        self.assets.set_pinned(PREFETCH_OWNER, course_id, True)
        missing = [a for a in wanted if not self.assets.has(a.sha256)]
        total = sum(a.size for a in missing)
        if not missing:
            self.say(
                ngettext(
                    "{course}: already complete ({files} file), nothing to fetch",
                    "{course}: already complete ({files} files), nothing to fetch",
                    len(wanted),
                ).format(course=label, files=len(wanted))
            )
            return CourseResult(course_id)
        self.say(
            ngettext(
                "{course}: {files} of {all} files to fetch, {size}",
                "{course}: {files} of {all} files to fetch, {size}",
                len(missing),
            ).format(course=label, files=len(missing), all=len(wanted), size=formatting.size(total))
        )
        budget = storage_budget(self.settings)
        self.assets.make_room(total, budget, keep=(PREFETCH_OWNER, course_id))
        downloader = configured_downloader(self.connection, self.settings, self.assets)
        meter = _Meter(label, total, self.say, self.progress_every)
        started = time.monotonic()
        downloader.fetch_all(missing, control, meter.advance)
        self.say(
            _("{course}: ready, {size} fetched in {seconds} s").format(
                course=label,
                size=formatting.size(downloader.bytes_fetched),
                seconds=formatting.decimal(time.monotonic() - started),
            )
        )
        return CourseResult(course_id, len(missing), downloader.bytes_fetched)

    def _manifest(self, course_id: str) -> CourseManifest:
        from companion.sync.client import PlatformError

        try:
            fetched = self.connection.api().manifest(course_id)
        except ValueError as error:  # refused before any request: not a possible id
            raise _unknown_course(course_id) from error
        except PlatformError as error:
            if error.status == 404:
                raise _unknown_course(course_id, error.reference) from error
            raise
        assert fetched.manifest is not None  # no ETag was sent, so never a 304
        return fetched.manifest


def _unreachable(error: UserFacingError) -> UserFacingError:
    return UserFacingError(
        _("Prefetch stopped: the platform cannot be reached."),
        _(
            "Check the network, and platform.api_url and network.proxy with `companion "
            "settings`. What was fetched is kept: the next run goes on from there."
        ),
        reference=error.reference,
    )


def _unknown_course(course_id: str, reference: str = "") -> UserFacingError:
    return UserFacingError(
        _("There is no course “{course}” on the platform.").format(course=course_id),
        _("Check the course id with `companion catalog`."),
        reference=reference,
    )


class _Meter:
    """A progress line at most every ``every`` seconds: fine for a log file."""

    def __init__(self, label: str, total: int, say: Callable[[str], None], every: float) -> None:
        self.label, self.total, self.say, self.every = label, total, say, every
        self.done = 0
        self._lock = threading.Lock()
        self._last = time.monotonic()

    def advance(self, amount: int) -> None:  # called from the download threads
        with self._lock:
            self.done += amount
            now = time.monotonic()
            if now - self._last < self.every or self.done >= self.total:
                return
            self._last = now
            done = self.done
        self.say(
            _("{course}: {done} of {total} ({percent}%)").format(
                course=self.label,
                done=formatting.size(done),
                total=formatting.size(self.total),
                percent=done * 100 // max(1, self.total),
            )
        )
