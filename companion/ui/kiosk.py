"""Kiosk mode, switched on by the machine policy: the window of a shared computer.

Full screen; a sign-in home screen with the device code (QR) first; no profile switching;
a visible "shared computer" marker; after the idle time, with a countdown any input
cancels, the learner is signed out and everything personal is wiped (the context does
the wiping; this controller only decides when)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from companion.i18n import _

from companion.ui.bridge import run_in_background
from companion.ui.failures import report_failure
from companion.ui.qt import QLabel, QObject, QTimer
from companion.ui.widgets.banner import MessageBanner
from companion.ui.widgets.idle_watch import IdleWatch

if TYPE_CHECKING:
    from companion.services.kiosk import KioskSessions

    from companion.ui.main_window import MainWindow

WARN_SECONDS = 30  # the countdown shown before an idle sign-out
# The sign-in screen asks for a new code this often while the platform could not give one.
SIGN_IN_RETRY_MS = 20_000


class KioskController(QObject):
    def __init__(
        self,
        window: MainWindow,
        idle_seconds: float,
        end_session: Callable[[], None],
        sessions: Callable[[], KioskSessions],
    ) -> None:
        """``end_session``: park and wipe what the one who walked away left, when nobody
        signed in (on a worker); ``sessions``: the kiosk's sessions (what was parked)."""
        super().__init__(window)
        self.window = window
        self.end_session = end_session
        self.sessions = sessions
        window.profile_switching(False)
        window.sync_indicator.shared_computer = True
        self.marker = QLabel()
        self.marker.setObjectName("SharedMarker")
        window.add_status_marker(self.marker)
        self.countdown = MessageBanner()
        self.countdown.action_requested.connect(self._stay)
        window.add_banner(self.countdown, first=True)
        # Said to the learner who just signed out offline; gone when the next one signs in.
        self.parked_notice = MessageBanner()
        self.parked_notice.action_requested.connect(self.parked_notice.hide)
        window.add_banner(self.parked_notice)
        self.parked_notice.hide()
        # While a sign-out sends (minutes on a hanging platform), the one who left is not
        # shown to the next person: the views are covered by this line (issue 25).
        self.leaving = QLabel()
        self.leaving.setObjectName("ViewTitle")
        self.leaving.setWordWrap(True)
        window.add_banner(self.leaving)
        self.leaving.hide()
        self.idle = IdleWatch(idle_seconds, WARN_SECONDS, self)
        self.idle.warning.connect(self._warn)
        self.idle.cleared.connect(self._hide_countdown)
        self.idle.timed_out.connect(self._timed_out)
        # A new learner (often signed in on their phone: no input here) gets a full idle
        # period: the time the sign-in screen sat untouched is not theirs (issue 25).
        window.events.learner_changed.connect(self.idle.touch)
        account = window.show_account()
        # A sign-out sending over a slow line may outlast the countdown: no second one
        # (« Vous serez déconnecté… » again, then a second sign-out) while it runs.
        self._signing_out = False
        account.signing_out.connect(self._sign_out_started)
        account.learner_signed_out.connect(self._signed_out)
        account.learner_signed_in.connect(window.show_library)
        account.learner_signed_in.connect(self.parked_notice.hide)
        window.events.language_changed.connect(self.retranslate)
        # No code while the platform was unreachable: the screen tried once and kept the
        # red banner after the platform was back (issue 25). It asks again, now and then
        # and as soon as the network comes back.
        self.retry = QTimer(self)
        self.retry.setInterval(SIGN_IN_RETRY_MS)
        self.retry.timeout.connect(self.retry_sign_in)
        self.retry.start()
        window.events.network_changed.connect(self._network_changed)
        self.retranslate()
        self.home()

    def retranslate(self) -> None:
        self.marker.setText("⚠ " + _("Shared computer"))
        self.marker.setToolTip(
            _("Your progress is sent, then wiped from this computer, when you sign out.")
        )

    def home(self) -> None:
        """The sign-in screen, the device code first, ready for the next learner."""
        self._hide_countdown()
        view = self.window.show_account()
        if view.account is None and "device" in view.methods:
            view.sign_in_with_device()

    def _sign_out_started(self) -> None:
        self._signing_out = True
        self._hide_countdown()
        self.leaving.setText(_("Signing out… The progress is sent, then wiped from this computer."))
        self.leaving.show()
        self.window.tabs.hide()  # the learner's name, courses and progress with it

    def _signed_out(self) -> None:
        self._signing_out = False
        self.leaving.hide()
        self.window.tabs.show()
        self.home()
        self.idle.rest()  # the sign-out wiped what was theirs: nothing left to count down
        run_in_background(self.window, lambda: self.sessions().take_parked(), self._say_parked)

    def _say_parked(self, parked: int) -> None:
        """The learner signing out offline is told their progress waits here (issue 25)."""
        if parked:
            self.parked_notice.show_message(
                "info",
                _("Some of your progress could not be sent yet."),
                _(
                    "It is kept on this computer, without your name, and sent the next "
                    "time you sign in here."
                ),
                action=_("Close"),
            )

    def _network_changed(self, online: bool) -> None:
        if online:
            self.retry_sign_in()

    def retry_sign_in(self) -> None:
        """Back to the device code when the last attempt failed, or a new code when the
        one shown expired (nobody came for it), while nobody signed in. Asked where the
        screen is: someone reading the catalogue without signing in is not pulled away
        to the account tab every retry."""
        view = self.window.account_view
        page = view.pages.currentWidget()
        expired = page is view.device and time.time() >= view.code_expires_at
        retry = page is view.signed_out or expired
        if view.account is None and retry and "device" in view.methods:
            view.sign_in_with_device()

    def _nothing_to_count(self) -> bool:
        """A sign-out is already under way, or nobody is signed in and nobody used the
        screen since it was last wiped: an idle countdown would only stack over the
        shared-computer notice, or count down to a second sign-out (issue 25)."""
        nobody = self.window.account_view.account is None
        return self._signing_out or (nobody and not self.idle.used)

    def _warn(self, seconds_left: int) -> None:
        if self._nothing_to_count():
            return
        signed_in = self.window.account_view.account is not None
        message = (
            _("You will be signed out in {seconds} s.")
            if signed_in
            else _("This screen goes back to the start in {seconds} s.")
        )
        self.countdown.show_message(
            "warning",
            message.format(seconds=seconds_left),
            _("Touch the screen or press a key to carry on."),
            action=_("Carry on"),
        )
        # One countdown on screen: the sign-in code's own expiry waits behind this one.
        self.window.account_view.device_expiry.hide()

    def _hide_countdown(self) -> None:
        self.countdown.hide()
        self.window.account_view.device_expiry.show()

    def _stay(self) -> None:
        self.idle.touch()
        self._hide_countdown()

    def _timed_out(self) -> None:
        self._hide_countdown()
        if self._nothing_to_count():
            return  # the sign-out ends by itself; an unused screen stays as it is
        view = self.window.account_view
        if view.account is not None:
            view.sign_out()  # sends what it can, parks the rest, wipes; then home()
        else:  # nobody signed in: the next person finds nothing of the one who left
            run_in_background(
                self.window,
                self.end_session,
                self._wiped,
                self._wipe_failed,
            )

    def _wiped(self, _result: object) -> None:
        self.home()
        self.idle.rest()

    def _wipe_failed(self, error: BaseException) -> None:
        """Said and logged (support must know a wipe failed); the screen goes home."""
        report_failure(error)
        self.home()
