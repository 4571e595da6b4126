"""The account screen: sign in (browser or another device), profile, entitlements."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from companion import formatting
from companion.auth.errors import SignInRequired
from companion.domain import Account, Entitlement
from companion.errors import describe
from companion.i18n import _
from companion.services.account import AccountService

from companion.ui.bridge import run_in_background
from companion.ui.qt import (
    QFrame,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.widgets.banner import MessageBanner
from companion.ui.widgets.fit_stack import PageHolder
from companion.ui.widgets.qr import qr_pixmap
from companion.ui.widgets.scroll_page import scrolling_column


def open_in_browser(url: str) -> bool:
    import webbrowser  # imported when used: it pulls in subprocess and shlex

    return webbrowser.open(url)


def entitlement_text(entitlement: Entitlement) -> str:
    if entitlement.status == "active" and entitlement.starts_on and entitlement.ends_on:
        return _("Active from {start} to {end}").format(
            start=formatting.day(entitlement.starts_on), end=formatting.day(entitlement.ends_on)
        )
    if entitlement.status == "expired" and entitlement.ends_on:
        return _("Expired on {end}").format(end=formatting.day(entitlement.ends_on))
    if entitlement.status == "pending":
        return _("Waiting for activation")
    return entitlement.status


class AccountView(QWidget):
    account_changed = Signal()  # after sign-in, sign-out or a refresh; tests wait on it
    learner_signed_in = Signal()  # a learner has just signed in (not a refresh)
    learner_signed_out = Signal()
    signing_out = Signal()  # before the sign-out starts (the reader keeps its study time)
    sign_in_url = Signal(str)  # the address given to the browser (from a worker)
    no_browser = Signal()  # the system opened no browser (from a worker)

    def __init__(
        self,
        service: AccountService,
        open_browser: Callable[[str], bool] = open_in_browser,
        *,
        sign_out: Callable[[], object] | None = None,
        methods: tuple[str, ...] = ("browser", "device"),
    ) -> None:
        super().__init__()
        self.service = service
        self.open_browser = open_browser
        self._sign_out = sign_out or service.sign_out  # the app's: it also sends and wipes
        self.methods = methods
        self.account: Account | None = None
        self._last_error: BaseException | None = None  # re-shown in a new language
        self._cancel = threading.Event()
        self._browser_missing = False  # the waiting screen then explains the link
        self.banner = MessageBanner()
        self.banner.action_requested.connect(self.banner.hide)
        self._title = QLabel()
        self._title.setObjectName("ViewTitle")
        self.pages = QStackedWidget()
        self._build_signed_out()
        self._build_waiting()
        self._build_device()
        self._build_signed_in()
        layout = self._column = scrolling_column(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addWidget(self._title)
        layout.addWidget(self.banner)
        self._holder = PageHolder(self.pages)  # as tall as the page shown
        layout.addWidget(self._holder, 1)
        self.retranslate()

    def add_section(self, widget: QWidget) -> None:
        """Below the platform's account: another part of the tab (the other sites)."""
        self._column.setStretchFactor(self._holder, 0)  # right under it, the void below
        self._column.addWidget(widget)
        self._column.addStretch(1)  # not inside it: its lines were spread out (issue 25)

    # --- pages ---------------------------------------------------------------------------

    def _build_signed_out(self) -> None:
        self.signed_out = QWidget()
        self._intro = QLabel()
        self._intro.setWordWrap(True)
        self.browser_button = QPushButton()
        self.browser_button.setObjectName("PrimaryButton")
        self.browser_button.clicked.connect(self.sign_in_with_browser)
        self.device_button = QPushButton()
        self.device_button.clicked.connect(self.sign_in_with_device)
        column = QVBoxLayout(self.signed_out)
        column.addWidget(self._intro)
        # The machine policy may allow one method only; on a shared screen the QR code
        # comes first (no password typed on a public keyboard).
        buttons = [self.browser_button, self.device_button]
        if self.methods and self.methods[0] == "device":
            buttons.reverse()
            self.browser_button.setObjectName("")
            self.device_button.setObjectName("PrimaryButton")
        for button in buttons:
            button.setMinimumWidth(320)
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.browser_button.setVisible("browser" in self.methods)
        self.device_button.setVisible("device" in self.methods)
        column.addStretch(1)
        self.pages.addWidget(self.signed_out)

    def _build_waiting(self) -> None:
        self.waiting = QWidget()
        self.waiting_text = QLabel()
        self.waiting_text.setWordWrap(True)
        # No browser opened (none installed, a kiosk): the address to copy into one.
        self._link_intro = QLabel()
        self._link_intro.setWordWrap(True)
        # A field, not a label: a label's longest unbroken run (the whole address) became
        # the window's minimum width, 2,100 px and more, kept after the sign-in (issue 25).
        self.waiting_url = QLineEdit()
        self.waiting_url.setReadOnly(True)
        self.copy_link_button = QPushButton()
        self.copy_link_button.clicked.connect(self.copy_link)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel_sign_in)
        self.sign_in_url.connect(self._show_sign_in_url)
        self.no_browser.connect(self._explain_no_browser)
        column = QVBoxLayout(self.waiting)
        column.addWidget(self.waiting_text)
        for widget in (self._link_intro, self.waiting_url):
            column.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_link_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self._show_link(False)
        column.addStretch(1)
        self.pages.addWidget(self.waiting)

    def _build_device(self) -> None:
        self.device = QWidget()
        self._device_intro = QLabel()
        self._device_intro.setWordWrap(True)
        self.device_url = QLabel()
        self.device_url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.user_code = QLabel()
        self.user_code.setObjectName("UserCode")  # large monospace, from the style sheet
        self.user_code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr = QLabel()
        self.device_expiry = QLabel()
        self.device_expiry.setObjectName("Countdown")
        self.code_expires_at = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._show_time_left)
        self._device_cancel = QPushButton()
        self._device_cancel.clicked.connect(self.cancel_sign_in)
        texts = QVBoxLayout()
        for widget in (self._device_intro, self.device_url, self.user_code, self.device_expiry):
            texts.addWidget(widget)
        texts.addWidget(self._device_cancel, 0, Qt.AlignmentFlag.AlignLeft)
        texts.addStretch(1)
        row = QHBoxLayout(self.device)
        row.addLayout(texts, 1)
        row.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        self.pages.addWidget(self.device)

    def _build_signed_in(self) -> None:
        self.signed_in = QWidget()
        self.name = QLabel()
        self.name.setObjectName("AccountName")
        self.email = QLabel()
        self._entitlements_title = QLabel()
        self._entitlements_title.setObjectName("SectionTitle")
        self.entitlements = QLabel()
        self.entitlements.setWordWrap(True)
        self.activation = QFrame()
        self._activation_text = QLabel()
        self._activation_text.setWordWrap(True)
        self.job_seeker_id = QLineEdit()
        self.job_seeker_id.setPlaceholderText("1234567A")
        self.job_seeker_id.setMaxLength(16)
        self.activate_button = QPushButton()
        self.activate_button.clicked.connect(self.activate)
        self.job_seeker_id.returnPressed.connect(self.activate)
        activation_row = QHBoxLayout()
        activation_row.addWidget(self.job_seeker_id)
        activation_row.addWidget(self.activate_button)
        activation_column = QVBoxLayout(self.activation)
        activation_column.setContentsMargins(0, 0, 0, 0)
        activation_column.addWidget(self._activation_text)
        activation_column.addLayout(activation_row)
        self.session_note = QLabel()
        self.session_note.setWordWrap(True)
        self.session_note.hide()
        self.sign_out_button = QPushButton()
        self.sign_out_button.clicked.connect(self.sign_out)
        column = QVBoxLayout(self.signed_in)
        for widget in (
            self.name,
            self.email,
            self._entitlements_title,
            self.entitlements,
            self.activation,
            self.session_note,
        ):
            column.addWidget(widget)
        column.addWidget(self.sign_out_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        self.pages.addWidget(self.signed_in)

    def retranslate(self) -> None:
        self._title.setText(_("My account"))
        self._intro.setText(
            _("Sign in to follow your progress on every device and to see your premium access.")
        )
        self.browser_button.setText(_("Sign in with the browser"))
        self.device_button.setText(_("Sign in with another device (QR code)"))
        self._show_waiting_text()
        self.cancel_button.setText(_("Cancel"))
        self.copy_link_button.setText(_("Copy the link"))
        if self._countdown.isActive():
            self._show_time_left()
        self._device_cancel.setText(_("Cancel"))
        self._device_intro.setText(
            _(
                "On your phone or another computer, open this address "
                "or scan the QR code, then type the code:"
            )
        )
        self._entitlements_title.setText(_("Premium access"))
        self._activation_text.setText(
            _(
                "Activate your premium access with your job-seeker "
                "identifier (7 digits then a digit or a letter)."
            )
        )
        self.activate_button.setText(_("Activate"))
        self.job_seeker_id.setAccessibleName(_("Job-seeker identifier"))
        self.waiting_url.setAccessibleName(_("Sign-in link"))
        self.sign_out_button.setText(_("Sign out"))
        self.session_note.setText(
            _(
                "No secure keyring is available on this computer: you "
                "will have to sign in again next time."
            )
        )
        if self._last_error is not None and self.banner.isVisible():
            self._failed_banner(self._last_error)
        if self.account is not None:
            self._show_account(self.account)

    # --- start-up ------------------------------------------------------------------------

    def start(self) -> None:
        """Show the saved account at once, then ask the platform for fresh details."""
        run_in_background(self, self.service.saved_account, self._saved_ready, self._failed)

    def _saved_ready(self, account: Account | None) -> None:
        if account is None:
            if self.pages.currentWidget() not in (self.waiting, self.device):
                self.pages.setCurrentWidget(self.signed_out)  # not over a sign-in under way
            self.account_changed.emit()
            return
        self._show_account(account)
        self.refresh()

    def refresh(self) -> None:
        run_in_background(self, self.service.refresh_account, self._signed_in_as, self._failed)

    # --- sign-in -------------------------------------------------------------------------

    def _new_attempt(self) -> threading.Event:
        """A sign-in starts: one still waiting (a code shown earlier, a browser left open)
        stops, or its worker would wait for nobody until the code expires — two such on
        a kiosk going back to its start screen stalled all background work."""
        self._cancel.set()
        self._cancel = threading.Event()
        return self._cancel

    def stop_waiting(self) -> None:
        """The window closes: no sign-in goes on waiting behind it."""
        self._cancel.set()

    def sign_in_with_browser(self) -> None:
        cancel = self._new_attempt()
        self.banner.hide()
        self._show_link(False)
        self._browser_missing = False
        self._show_waiting_text()
        self.copy_link_button.setText(_("Copy the link"))  # not "copied" from a last try
        self.pages.setCurrentWidget(self.waiting)
        opener = self.open_browser

        def open_and_show(url: str) -> bool:  # on the worker: the signals cross over
            self.sign_in_url.emit(url)
            if not opener(url):
                # No browser (none installed, a kiosk): the link on screen is the way
                # in, so the flow goes on waiting for it instead of failing at once.
                self.no_browser.emit()
            return True

        run_in_background(
            self,
            lambda: self.service.sign_in_with_browser(open_and_show, cancel),
            self._newly_signed_in,
            self._sign_in_failed,
        )

    def _show_sign_in_url(self, url: str) -> None:
        self.waiting_url.setText(url)
        self._show_link(True)

    def _explain_no_browser(self) -> None:
        self._browser_missing = True
        self._show_waiting_text()

    @property
    def wait_stop(self) -> threading.Event:
        """Set when the sign-in being waited for (a browser's answer, a device code) is
        stopped: a new sign-in, a cancel, the window closing."""
        return self._cancel

    def _show_waiting_text(self) -> None:
        if self._browser_missing:
            self.waiting_text.setText(
                _(
                    "No web browser could be opened. Copy the link below into a web browser "
                    "on this computer and sign in there; Companion carries on once you are "
                    "signed in. "
                    "Or cancel and sign in with another device."
                )
                if "device" in self.methods
                else _(
                    "No web browser could be opened. Copy the link below into a web browser "
                    "on this computer and sign in there; Companion carries on once you are "
                    "signed in."
                )
            )
            self._link_intro.setText(_("Sign-in link:"))
        else:
            self.waiting_text.setText(_("Finish signing in in your web browser…"))
            self._link_intro.setText(_("No browser opened? Copy this link into one:"))

    def _show_link(self, shown: bool) -> None:
        for widget in (self._link_intro, self.waiting_url, self.copy_link_button):
            widget.setVisible(shown)

    def copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.waiting_url.text())
        self.copy_link_button.setText(_("Link copied"))

    def _show_time_left(self) -> None:
        left = max(0, round(self.code_expires_at - time.time()))
        if left == 0:
            self._countdown.stop()
            self.device_expiry.setText(_("The code has expired: cancel, then ask for a new one."))
            return
        self.device_expiry.setText(
            _("The code expires in {time}.").format(time=f"{left // 60}:{left % 60:02d}")
        )

    def sign_in_with_device(self) -> None:
        self._new_attempt()
        self.banner.hide()
        self._show_link(False)
        self.waiting_text.setText(_("Asking the platform for a sign-in code…"))  # no browser
        self.pages.setCurrentWidget(self.waiting)
        run_in_background(
            self, self.service.start_device_sign_in, self._show_device_code, self._sign_in_failed
        )

    def _show_device_code(self, authorization: object) -> None:
        from companion.auth.tokens import DeviceAuthorization

        assert isinstance(authorization, DeviceAuthorization)
        self.device_url.setText(authorization.verification_uri)
        self.user_code.setText(authorization.user_code)
        target = authorization.verification_uri_complete or authorization.verification_uri
        self.qr.setPixmap(qr_pixmap(target))
        self.qr.setAccessibleName(_("QR code of the sign-in address {url}").format(url=target))
        self.code_expires_at = authorization.expires_at
        self._show_time_left()
        self._countdown.start()  # updated each second while the code is shown
        self.pages.setCurrentWidget(self.device)
        cancel = self._cancel
        run_in_background(
            self,
            lambda: self.service.finish_device_sign_in(authorization, cancel),
            self._newly_signed_in,
            self._sign_in_failed,
        )

    def cancel_sign_in(self) -> None:
        self._countdown.stop()
        self._cancel.set()
        self.pages.setCurrentWidget(self.signed_out)

    def _sign_in_failed(self, error: BaseException) -> None:
        if self._cancel.is_set():
            return
        self._countdown.stop()
        self.pages.setCurrentWidget(self.signed_out)
        self._failed(error)

    # --- account -------------------------------------------------------------------------

    def _signed_in_as(self, account: Account) -> None:
        self._countdown.stop()
        self.banner.hide()
        self._show_account(account)
        QTimer.singleShot(0, self._check_session_note)
        self.account_changed.emit()

    def _newly_signed_in(self, account: Account) -> None:
        self._signed_in_as(account)
        self.learner_signed_in.emit()

    def _check_session_note(self) -> None:
        run_in_background(self, self.service.keyring_missing, self.session_note.setVisible)

    def _show_account(self, account: Account) -> None:
        self.account = account
        self.name.setText(account.name)
        self.email.setText(account.email)
        lines = [f"{e.programme} — {entitlement_text(e)}" for e in account.entitlements]
        self.entitlements.setText("\n".join(lines) or _("No premium access on this account."))
        self.activation.setVisible(any(e.status == "pending" for e in account.entitlements))
        self.pages.setCurrentWidget(self.signed_in)

    def activate(self) -> None:
        identifier = self.job_seeker_id.text()
        self.activate_button.setEnabled(False)

        def done(account: Account) -> None:
            self.activate_button.setEnabled(True)
            self.job_seeker_id.clear()
            self._signed_in_as(account)
            self._last_error = None
            self.banner.show_message(  # said, not only seen in the list above
                "info",
                _("Your premium access is activated."),
                _("Premium courses can now be added to your library."),
                action=_("Close"),
            )

        def failed(error: BaseException) -> None:
            self.activate_button.setEnabled(True)
            self._failed(error)

        run_in_background(self, lambda: self.service.activate(identifier), done, failed)

    def sign_out(self) -> None:
        self.sign_out_button.setEnabled(False)
        self.signing_out.emit()

        def done(_result: object) -> None:
            self.sign_out_button.setEnabled(True)
            self.account = None
            self.pages.setCurrentWidget(self.signed_out)
            self.account_changed.emit()
            self.learner_signed_out.emit()

        def failed(error: BaseException) -> None:
            done(None)  # signed out locally even when the platform could not be told
            self._failed(error)

        run_in_background(self, self._sign_out, done, failed)

    def _failed(self, error: BaseException) -> None:
        self._last_error = error
        self._failed_banner(error)
        if isinstance(error, SignInRequired):  # nothing local is lost: just sign in again
            self.pages.setCurrentWidget(self.signed_out)
        self.account_changed.emit()

    def _failed_banner(self, error: BaseException) -> None:
        message, hint, reference = describe(error)
        self.banner.show_message("error", message, hint, reference, action=_("Close"))
