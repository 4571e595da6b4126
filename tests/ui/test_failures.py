"""One place for failures (issue 22): an exception nobody handled — in a Qt slot, in a
background job without ``on_failure``, in a plain thread — reaches the log file with its
traceback and the window, with the reference code that finds it in the log."""

from __future__ import annotations

import re
import sys
import threading

import pytest

from companion import logs
from companion.errors import Cancelled, UserFacingError
from companion.paths import Paths

from companion.ui.bridge import run_in_background
from companion.ui.failures import hooks_installed, install_hooks
from companion.ui.qt import QTimer


@pytest.fixture
def hooks(monkeypatch):
    """The app's hooks, as ``app.run`` installs them; the test runner's put back after."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_hooks()
    assert hooks_installed()


def log_text() -> str:
    return (Paths.default().log_dir / "companion.log").read_text(encoding="utf-8")


def reference_shown(window) -> str:
    notice = window.failure_notice
    assert notice.text == "Une erreur inattendue s'est produite."  # the window is in French
    found = re.search(r"CMP-[A-Z0-9]{6}", notice.details)
    assert found is not None, notice.details
    return found.group(0)


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_reaches_the_log_and_the_screen(make_window, qtbot, hooks):
    window = make_window()

    def slot() -> None:
        raise ValueError("a slot broke on purpose")

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(window.failure_notice.isVisible, timeout=5_000)
    reference = reference_shown(window)
    text = log_text()
    assert f"unexpected error [{reference}]" in text
    assert "Traceback (most recent call last)" in text
    assert "ValueError: a slot broke on purpose" in text
    assert "in slot" in text  # the frame that raised, not only the message
    # The support bundle's ring buffer has it too, traceback included.
    kept = [line for line in logs.ring_buffer().lines() if reference in line]
    assert kept and "ValueError: a slot broke on purpose" in kept[0]


def test_a_background_failure_without_a_handler_is_logged_and_shown(make_window, qtbot):
    window = make_window()
    done: list[object] = []

    def work() -> None:
        raise KeyError("a job broke on purpose")

    run_in_background(window, work, done.append)
    qtbot.waitUntil(window.failure_notice.isVisible, timeout=5_000)
    assert not done
    reference = reference_shown(window)
    text = log_text()
    assert f"unexpected error [{reference}]" in text
    assert "KeyError: 'a job broke on purpose'" in text
    assert "in work" in text


def test_a_user_facing_failure_is_shown_in_its_own_words(make_window, qtbot):
    window = make_window()

    def work() -> None:
        raise UserFacingError("Le disque est plein.", "Libérez de la place.")

    run_in_background(window, work)
    qtbot.waitUntil(window.failure_notice.isVisible, timeout=5_000)
    assert window.failure_notice.text == "Le disque est plein."
    assert "Libérez de la place." in window.failure_notice.details
    assert "UserFacingError: Le disque est plein." in log_text()  # with its traceback


def test_a_cancelled_job_is_shown_to_nobody(make_window, qtbot):
    window = make_window()
    finished = threading.Event()

    def work() -> None:
        finished.set()
        raise Cancelled()

    run_in_background(window, work)
    qtbot.waitUntil(finished.is_set, timeout=5_000)
    qtbot.wait(200)  # the report, had there been one, would have arrived
    assert not window.failure_notice.isVisible()


@pytest.mark.qt_no_exception_capture
def test_an_exception_that_ends_a_thread_reaches_the_log_and_the_screen(make_window, qtbot, hooks):
    window = make_window()

    def run() -> None:
        raise OverflowError("a thread broke on purpose")

    thread = threading.Thread(target=run, name="doomed")
    thread.start()
    thread.join()
    qtbot.waitUntil(window.failure_notice.isVisible, timeout=5_000)
    reference = reference_shown(window)
    text = log_text()
    assert f"unexpected error [{reference}]" in text
    assert "OverflowError: a thread broke on purpose" in text
    assert "in run" in text


def test_a_count_of_earlier_actions_that_fails_is_said_and_asked_again(qtbot):
    """A failed count once meant the learner was never asked to claim what was done before
    they signed in (issue 22): now it is said, and counted again at the next refresh."""
    from companion.app.context import Ownership

    from companion.ui.events import EventHub
    from companion.ui.failures import FailureNotice
    from companion.ui.ownership import OwnershipController
    from companion.ui.qt import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    notice = FailureNotice()
    qtbot.addWidget(notice)
    counted: list[int] = []

    def count() -> int:
        counted.append(1)
        if len(counted) == 1:
            raise RuntimeError("the unclaimed file could not be read")
        return 2

    controller = OwnershipController(
        parent,
        EventHub(parent),
        ownership=lambda: Ownership(True, "Camille", False),
        unclaimed_count=count,
        claim=lambda _mine: 0,
        claimed=lambda: None,
    )
    controller.offer_unclaimed()
    qtbot.waitUntil(lambda: not notice.isHidden(), timeout=5_000)
    assert notice.text == "Something went wrong."  # said, with its reference
    controller.refresh()  # a sync, a sign-in, another learner: counted again
    qtbot.waitUntil(lambda: controller.claim_box is not None, timeout=5_000)
    box = controller.claim_box
    assert box is not None and "2 actions" in box.text()
    assert len(counted) == 2
    box.close()


def test_a_kiosk_wipe_that_fails_is_said_and_the_screen_goes_home(
    platform_env, companion_home, monkeypatch, make_window, qtbot
):
    from tests.policy_helpers import kiosk_policy, use_policy

    use_policy(companion_home, monkeypatch, kiosk_policy(idle_minutes=1))
    window = make_window()
    kiosk = window.kiosk(idle_seconds=60)

    def wipe_fails(_owner) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(window.context, "end_kiosk_session", wipe_fails)
    window.show_library()
    kiosk.idle.timed_out.emit()
    qtbot.waitUntil(window.failure_notice.isVisible, timeout=10_000)
    assert window.current_tab() == "account"  # the start screen all the same
