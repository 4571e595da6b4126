"""The sync scheduler: when to push and pull, and what to tell the UI. No Qt here.

One worker thread runs every sync, so two never overlap. It wakes:
- after the learner does something (debounced: a burst of answers becomes one sync);
- periodically, to bring in what other devices did;
- when the network comes back, and when the learner asks ("sync now");
- once more, briefly, when the app quits.

A failure makes it wait, with exponential backoff and jitter, or as long as the platform's
Retry-After asks. Offline it waits for the network to come back (or the next, ever rarer
probe) and never spins. Statements leave the outbox only once acknowledged, so a sync cut
at any point (even by killing the app) loses nothing: the next one sends the rest again and
the platform keeps each statement once.

Every change of state is reported to ``listener`` as a ``SyncStatus``, from the worker
thread: the Qt bridge turns it into a signal.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

from companion.auth.errors import SignInRequired
from companion.errors import UserFacingError, describe
from companion.i18n import _
from companion.platform import Platform
from companion.sync.client import (
    LONGEST_PAUSE_SECONDS,
    PlatformError,
    PlatformSlow,
    PlatformUnreachable,
)
from companion.sync.http_policy import backoff_delay
from companion.sync.outbox import Outbox, push
from companion.sync.pull import Facts, pull
from companion.sync_status import Phase, SyncStatus

CATCH_UP_SECONDS = 2.0  # between two bounded pulls of a long history (issue 28)

log = logging.getLogger("companion.sync")


class ProgressStore(Outbox, Facts, Protocol):
    def pending_count(self) -> int: ...
    def set_aside_statements(self) -> list[tuple[str, str]]: ...
    def last_sync(self) -> float | None: ...
    def note_sync(self, when: float) -> None: ...


class Target(NamedTuple):
    """Who progress is sent for, and where: given only while a learner is signed in.
    ``store`` is that learner's own progress (on a shared profile each learner has one);
    None: the engine's store."""

    api: Platform
    learner_id: str
    home_page: str
    store: ProgressStore | None = None


Step = Callable[[Target], Any]  # more to do after push and pull (certificates, say)


class Backoff:
    """The engine's failures so far, and the next delay (``backoff_delay``)."""

    def __init__(
        self, base: float = 2.0, cap: float = 300.0, rng: Callable[[], float] = random.random
    ) -> None:
        self.base = base
        self.cap = cap
        self.rng = rng
        self.failures = 0

    def next(self) -> float:
        delay = backoff_delay(self.failures, self.base, self.cap, self.rng)
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0


class SyncEngine:
    def __init__(
        self,
        store: ProgressStore | Callable[[], ProgressStore],
        target: Callable[[], Target | None],
        listener: Callable[[SyncStatus], None],
        *,
        debounce: float = 2.0,
        period: float = 900.0,
        backoff: Backoff | None = None,
        steps: Sequence[Step] = (),
        site_targets: Callable[[], list[Target]] = list,
        site_refused: Callable[[Target], object] = lambda _target: None,
        site_steps: Sequence[Step] = (),
    ) -> None:
        self._store = store  # or what gives the store of whoever owns progress now
        self.target = target
        self.listener = listener
        self.debounce = debounce
        self.period = period
        self.backoff = backoff or Backoff()
        self.steps = list(steps)
        # The learner's accounts on other sites (a Moodle), each with its own progress:
        # synced after the platform, and none stops another (nor the platform's) on failure.
        self.site_targets = site_targets
        self.site_refused = site_refused  # a site ended that account's session
        self.site_steps = list(site_steps)  # more to do for each site (its badges, say)
        self._site_pending = 0  # actions the site accounts still have to send
        self._cond = threading.Condition()
        self._one_at_a_time = threading.Lock()
        self._due: float | None = None  # monotonic time of the next sync, if any
        self._recount = False
        self._stopping = False
        self._flush_at_stop = False
        self._waiting_for_network = False
        self._thread: threading.Thread | None = None
        self._status = SyncStatus(Phase.IDLE, 0, 0, None)
        self.syncs = 0  # completed syncs, for diagnostics and tests

    # --- what the app tells the engine -----------------------------------------------

    def start(self, first_sync_in: float = 0.0) -> None:
        with self._cond:
            self._due = time.monotonic() + first_sync_in
        self._thread = threading.Thread(target=self._run, name="companion-sync", daemon=True)
        self._thread.start()

    def changed(self) -> None:
        """The learner did something: show the new count now, sync after a short pause."""
        with self._cond:
            self._recount = True
            if self._status.phase in (Phase.IDLE, Phase.SYNCING):  # not while backing off
                self._plan(time.monotonic() + self.debounce)
            self._cond.notify()

    def sync_now(self) -> None:
        """The learner asked: try at once, whatever the backoff said."""
        self._now("asked")

    def network_changed(self, online: bool) -> None:
        if online:
            if self._waiting_for_network or self._status.phase is Phase.OFFLINE:
                self._now("network back")
            return
        with self._cond:
            self._waiting_for_network = True

    def stop(self, flush_seconds: float = 2.0) -> bool:
        """At quit: one last push if there is time, then stop. Nothing is lost either way:
        what is not acknowledged stays queued for the next start. False when the worker
        is still busy (an answer that does not come): its databases must stay open."""
        self.request_stop(flush=flush_seconds > 0)
        return self.join(flush_seconds if flush_seconds > 0 else 1.0)

    def request_stop(self, flush: bool) -> None:
        """Stop after the sync under way (if any), with a last push when ``flush``;
        returns at once, so quitting can wait for everything at the same time."""
        with self._cond:
            self._stopping = True
            self._flush_at_stop = flush
            self._cond.notify()

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the worker; True once it has ended."""
        if self._thread is None:
            return True
        self._thread.join(max(0.0, timeout))
        return not self._thread.is_alive()

    def status(self) -> SyncStatus:
        return self._status

    def run_once(self) -> SyncStatus:
        """One sync now, on the calling thread (the ``companion sync`` command, and a
        sign-out's last push); it waits for a sync under way to end first."""
        self._sync()
        return self._status

    @property
    def store(self) -> ProgressStore:
        return self._store() if callable(self._store) else self._store

    # --- the worker ------------------------------------------------------------------

    def _now(self, why: str) -> None:
        log.debug("sync requested: %s", why)
        with self._cond:
            self.backoff.reset()
            self._waiting_for_network = False
            self._due = time.monotonic()
            self._cond.notify()

    def _plan(self, when: float) -> None:
        self._due = when if self._due is None else min(self._due, when)

    def _run(self) -> None:
        """The worker's loop. Nothing may end it but ``stop``: a thread that died would
        leave "Synchroniser" doing nothing until the app restarts."""
        while True:
            try:
                if not self._run_one():
                    break
            except Exception:
                log.exception("sync worker survived an unexpected error")
                with self._cond:
                    self._due = time.monotonic() + self.backoff.next()
        if self._flush_at_stop:
            self._flush()

    def _run_one(self) -> bool:
        """Wait for the next thing to do and do it; False once stopping."""
        with self._cond:
            while not self._stopping and not self._recount and not self._is_due():
                self._cond.wait(self._wait_time())
            if self._stopping:
                return False
            recount_only = not self._is_due()
            self._recount = False
            if not recount_only:
                self._due = None
        if recount_only:
            self._recounted()
        else:
            self._sync()
        return True

    def _is_due(self) -> bool:
        return self._due is not None and time.monotonic() >= self._due

    def _wait_time(self) -> float | None:
        if self._due is None:
            return None
        # Condition.wait overflows past threading.TIMEOUT_MAX: wake up and look again.
        return min(max(0.0, self._due - time.monotonic()), LONGEST_PAUSE_SECONDS)

    def _sync(self) -> None:
        # One sync at a time, whichever thread asks: a sign-out's last push must not run
        # beside the worker's, whose later batches would go with the next learner's token
        # once the session changed hands.
        with self._one_at_a_time:
            self._sync_now()
        with self._cond:
            if self._stopping:  # asked during this sync: it was the last push
                self._flush_at_stop = False

    def _sync_now(self) -> None:
        target = self._target()
        sites, site_error = self._sync_sites()
        if target is None:
            if site_error is not None and not sites:  # only sites, and none could sync
                self._failed(site_error)  # offline, or failing: never "signed out"
                return
            if sites:  # only site accounts (a Moodle): theirs is the sync
                with self._cond:
                    self._plan(time.monotonic() + self.period)
                self._publish(Phase.IDLE)
                return
            self._publish(Phase.SIGNED_OUT)
            return
        self._publish(Phase.SYNCING)
        store = target.store or self.store
        try:
            pushed = push(store, target.api, target.learner_id, target.home_page)
            pulled = pull(store, target.api, target.learner_id, target.home_page)
            for step in self.steps:
                step(target)
        except Exception as error:  # every failure is reported and retried, never raised
            self._failed(error)
            return
        log.info("sync done: %d sent, %d set aside", pushed.sent, pushed.set_aside)
        self.syncs += 1
        self.backoff.reset()
        store.note_sync(time.time())
        with self._cond:  # a long history comes in bounded pulls, one after the other
            self._plan(time.monotonic() + (CATCH_UP_SECONDS if pulled.more_waits else self.period))
        self._publish(Phase.IDLE)

    def _failed(self, error: Exception) -> None:
        message, hint, reference = describe(error)
        if isinstance(error, SignInRequired):
            self._publish(Phase.SIGNED_OUT, message, hint, reference)
            return  # the learner signing in again calls sync_now
        delay = self.backoff.next()
        if isinstance(error, PlatformError) and error.retry_after:
            delay = max(error.retry_after, 1.0)
            if delay > LONGEST_PAUSE_SECONDS:  # a day, or 3,000 years: not to be believed
                log.warning("Retry-After of %.0f s capped to %.0f s", delay, LONGEST_PAUSE_SECONDS)
                delay = LONGEST_PAUSE_SECONDS
                hint = _(
                    "The platform asked for a very long pause; Companion will try again in "
                    "{minutes} min. Your work is kept on this computer."
                ).format(minutes=round(delay / 60))
        offline = isinstance(error, PlatformUnreachable) and not isinstance(error, PlatformSlow)
        phase = Phase.OFFLINE if offline else Phase.FAILING  # slow is not offline (issue 24)
        log.info("sync failed (%s), next attempt in %.0f s [%s]", phase, delay, reference)
        with self._cond:
            self._due = time.monotonic() + delay  # not sooner, even after a change
        self._publish(phase, message, hint, reference, retry_in=delay)

    def _sync_sites(self) -> tuple[int, Exception | None]:
        """Push and pull each signed-in site account's progress; returns how many were
        synced and the last failure. A failure is logged and tried again at the next sync."""
        try:
            targets = self.site_targets()
        except Exception:
            log.exception("site accounts could not be listed for the sync")
            return 0, None
        synced, failure, waiting = 0, None, 0
        for site in targets:
            store = site.store or self.store
            try:
                pushed = push(store, site.api, site.learner_id, site.home_page)
                pull(store, site.api, site.learner_id, site.home_page)
                for step in self.site_steps:
                    step(site)
            except SignInRequired:
                log.info("site %s refused the account's token: signed out", site.home_page)
                self.site_refused(site)  # its actions stay queued for the next sign-in
            except Exception as error:  # reported, never raised: the others go on
                log.info("site sync not done for %s: %s", site.home_page, describe(error)[0])
                failure = error
            else:
                log.info("site sync done: %d sent, %d set aside", pushed.sent, pushed.set_aside)
                store.note_sync(time.time())
                synced += 1
            waiting += store.pending_count() if store is not self.store else 0
        self._site_pending = waiting  # shown with the platform's own
        return synced, failure

    def _flush(self) -> None:
        with self._one_at_a_time:
            self._flush_now()

    def _flush_now(self) -> None:
        target = self._target()
        if target is None:
            return
        try:
            push(target.store or self.store, target.api, target.learner_id, target.home_page)
        except Exception as error:
            log.info("last push at quit did not finish (%s); kept for next time", error)

    def _target(self) -> Target | None:
        """Who to sync for; None when nobody is signed in or the session cannot say."""
        try:
            return self.target()
        except UserFacingError as error:
            log.info("no sync target: %s", error)
            return None

    def _recounted(self) -> None:
        """New numbers, same state: a problem stays on screen until a sync succeeds."""
        now = self._status
        self._publish(now.phase, now.message, now.hint, now.reference, self._wait_time())

    def _publish(
        self,
        phase: Phase,
        message: str = "",
        hint: str = "",
        reference: str = "",
        retry_in: float | None = None,
    ) -> None:
        try:
            pending = self.store.pending_count() + self._site_pending
            aside = len(self.store.set_aside_statements())
            last = self.store.last_sync()
        except Exception as error:  # the store closed under us at quit: nothing to show
            log.debug("status not published: %s", error)
            return
        self._status = SyncStatus(phase, pending, aside, last, message, hint, reference, retry_in)
        try:
            self.listener(self._status)
        except Exception:  # a listener's bug must not stop the sync
            log.exception("sync listener failed")
