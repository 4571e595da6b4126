"""One place for failures (STYLE 18): what no caller handled is logged with its traceback
(through the ``companion`` loggers: redacted, in the file and the ring buffer the support
bundle reads) and shown on screen, generically with a reference code unless it is a
``UserFacingError``. Cancellation is shown to nobody.

Three ways in: ``run_in_background`` without ``on_failure``; an exception raised in a Qt
slot (``sys.excepthook``, which PySide6 calls); an exception that ends a plain thread
(``threading.excepthook``). The window shows what is reported with ``FailureNotice``.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType

from companion.errors import Cancelled, UserFacingError, describe
from companion.i18n import _

from companion.ui.qt import QObject, Signal
from companion.ui.widgets.banner import MessageBanner

log = logging.getLogger("companion.ui")


class Failures(QObject):
    """Carries a failure, reported on any thread, to whatever shows it on the GUI thread
    (receivers are QObjects there, so the signal is queued to them)."""

    reported = Signal(str, str, str)  # message, hint, reference


_failures: Failures | None = None
_failures_lock = threading.Lock()


def failures() -> Failures:
    """The one carrier of unhandled failures; made on first use (on the GUI thread: the
    app installs the hooks, and the window subscribes, before any worker starts)."""
    global _failures
    with _failures_lock:
        if _failures is None:
            _failures = Failures()
        return _failures


def report_failure(error: BaseException) -> None:
    """The default failure handler: logged (with the traceback when unexpected) and shown."""
    if isinstance(error, Cancelled):
        return
    message, hint, reference = describe(error)  # logs an unexpected error with its traceback
    if isinstance(error, UserFacingError):  # expected, but its caller did not handle it
        log.info("not handled by its caller [%s]", reference or "-", exc_info=error)
    _say(message, hint, reference)


def report_uncaught(error: BaseException) -> None:
    """An exception nobody caught (a slot, a thread): its traceback always reaches the log,
    a UserFacingError's included, then it is shown like any failure."""
    if isinstance(error, Cancelled):
        return
    if isinstance(error, UserFacingError):
        log.error("uncaught [%s]: %s", error.reference or "-", error.message, exc_info=error)
        _say(error.message, error.hint, error.reference)
        return
    report_failure(error)


def _say(message: str, hint: str, reference: str) -> None:
    try:
        failures().reported.emit(message, hint, reference)
    except RuntimeError:  # quitting: the carrier is gone, the log has it
        log.debug("failure not shown at shutdown")


def _sys_hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    if error.__traceback__ is None:
        error = error.with_traceback(tb)
    _report_safely(error)


def _thread_hook(arguments: threading.ExceptHookArgs) -> None:
    error = arguments.exc_value
    if error is None or isinstance(error, SystemExit):
        return
    if error.__traceback__ is None:
        error = error.with_traceback(arguments.exc_traceback)
    _report_safely(error)


def _report_safely(error: BaseException) -> None:
    try:
        report_uncaught(error)
    except Exception:  # the hook itself must never hide the first error
        sys.__excepthook__(type(error), error, error.__traceback__)


def install_hooks() -> None:
    """At start: exceptions in slots and threads reach the log and the screen, not only
    stderr."""
    failures()  # made here, on the GUI thread
    sys.excepthook = _sys_hook
    threading.excepthook = _thread_hook


def hooks_installed() -> bool:
    return sys.excepthook is _sys_hook and threading.excepthook is _thread_hook


class FailureNotice(MessageBanner):
    """Above the tabs: a failure that no view handled, in the learner's words."""

    def __init__(self) -> None:
        super().__init__()
        self.action_requested.connect(self.hide)
        failures().reported.connect(self.show_failure)

    def show_failure(self, message: str, hint: str, reference: str) -> None:
        self.show_message("error", message, hint, reference, action=_("Close"))
