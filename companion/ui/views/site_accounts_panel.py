"""The account tab's other sites: a training centre's Moodle beside the platform.

Each account says its site, the learner's name there and whether it is signed in; one is
added by typing the site's address (Companion asks the site what it is and how its
learners sign in), then the name and password there; the password goes to the site once
and is never kept. An account can be signed out of (its courses and progress stay) or
removed (what it has not sent yet stays on this computer, and the learner is told).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from companion.errors import UserFacingError, describe
from companion.i18n import _, ngettext
from companion.services.site_accounts import SiteAccount, SiteAccounts

if TYPE_CHECKING:
    from companion.app.site_progress import SiteProgress
    from companion.services.library import LibraryService

from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub
from companion.ui.qt import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.views.account_view import open_in_browser
from companion.ui.widgets.banner import MessageBanner

log = logging.getLogger("companion.ui")


class SiteAccountsPanel(QWidget):
    changed = Signal()  # an account was added, signed out of or removed: courses may differ
    listed = Signal()  # the list on screen is up to date; tests wait on it

    def __init__(
        self,
        sites: Callable[[], SiteAccounts],
        pending: Callable[[SiteAccount], int],
        outlines: Callable[[SiteAccount], object] = lambda _account: None,
        open_browser: Callable[[str], bool] = open_in_browser,
    ) -> None:
        """``sites``: the learner's site accounts; ``pending``: how many of an account's
        actions wait to be sent; ``outlines``: fetches a new account's course outlines.
        All three are called on workers (the keyring, files, the network)."""
        super().__init__()
        self.sites = sites
        self.pending = pending
        self.outlines = outlines
        self.open_browser = open_browser  # the system's browser (tests give their own)
        self.site: Any = None  # what the typed address turned out to be
        self.heading = QLabel()
        self.heading.setObjectName("ViewSubtitle")
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.added = QLabel()  # what the last account brought
        self.added.setWordWrap(True)
        self.added.hide()
        self.rows = QVBoxLayout()
        self.banner = MessageBanner()
        self.banner.action_requested.connect(self.banner.hide)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.open_form)
        self._build_form()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 16, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addLayout(self.rows)
        layout.addWidget(self.added)
        layout.addWidget(self.banner)
        layout.addWidget(self.form)
        under = QHBoxLayout()
        under.addWidget(self.add_button)
        under.addStretch(1)
        layout.addLayout(under)
        layout.addStretch(1)
        self.retranslate()
        self.refresh()

    def _build_form(self) -> None:
        self.form = QFrame()
        self.form.setObjectName("Card")
        self.address = QLineEdit()
        self.address.setPlaceholderText("https://")
        self.address.returnPressed.connect(self.look_up)
        self.site_name = QLabel()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.sign_in)
        self.next_button = QPushButton()
        self.next_button.setObjectName("PrimaryButton")
        self.next_button.clicked.connect(self._next)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.close_form)
        fields = QFormLayout()
        self._address_label, self._user_label, self._password_label = QLabel(), QLabel(), QLabel()
        for label, field in (
            (self._address_label, self.address),
            (self._user_label, self.username),
            (self._password_label, self.password),
        ):
            label.setBuddy(field)
            fields.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.next_button)
        column = QVBoxLayout(self.form)
        column.addWidget(self.site_name)
        column.addLayout(fields)
        column.addLayout(buttons)
        self.form.hide()

    @classmethod
    def of(
        cls,
        sites: Callable[[], SiteAccounts],
        site_progress: Callable[[], SiteProgress],
        library: Callable[[], LibraryService],
        events: EventHub,
    ) -> SiteAccountsPanel:
        """The panel over the app's services (each called on a worker), kept up to date
        by the event hub, and telling it when an account changed."""

        def waiting(account: SiteAccount) -> int:
            return site_progress().of(account).pending_count()

        def outlines(account: SiteAccount) -> None:  # one request per course
            for course_id in account.courses:
                try:
                    library().update_manifest(course_id)
                except UserFacingError as error:  # said again when the course is opened
                    log.info("outline of %s not fetched: %s", course_id, error.message)

        panel = cls(sites, waiting, outlines)
        events.synced.connect(panel.refresh)  # a site may have ended a session
        events.language_changed.connect(panel.retranslate)
        events.accounts_changed.connect(panel.refresh)  # a browser sign-in came back
        panel.changed.connect(events.accounts_changed)
        return panel

    def retranslate(self) -> None:
        self.heading.setText(_("Other training sites"))
        self.empty.setText(
            _(
                "Add your training centre's Moodle site: its courses join your library, "
                "to study here even without a connection."
            )
        )
        self.add_button.setText(_("Add a site…"))
        self._address_label.setText(_("Site &address"))
        self._user_label.setText(_("&Username"))
        self._password_label.setText(_("&Password"))
        self.cancel_button.setText(_("Cancel"))
        if self.site is None:
            self.next_button.setText(_("Continue"))
        else:
            self.next_button.setText(_("Open the browser") if self._in_browser() else _("Sign in"))

    # --- the list -----------------------------------------------------------------------

    def refresh(self) -> None:
        sites = self.sites

        def read() -> list[tuple[SiteAccount, bool]]:
            service = sites()
            return [(account, service.is_signed_in(account)) for account in service.all()]

        run_in_background(self, read, self._show, self._failed, local=True)

    def _show(self, accounts: list[tuple[SiteAccount, bool]]) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for account, signed_in in accounts:
            self.rows.addWidget(self._row(account, signed_in))
        self.empty.setVisible(not accounts)
        self.listed.emit()

    def _row(self, account: SiteAccount, signed_in: bool) -> QWidget:
        row = QFrame()
        row.setObjectName("Card")
        state = _("Signed in") if signed_in else _("Signed out: sign in again to send progress")
        text = QLabel(f"{account.site_name} — {account.name}\n{account.address} · {state}")
        text.setTextFormat(Qt.TextFormat.PlainText)  # the site's words, never markup
        text.setWordWrap(True)
        line = QHBoxLayout(row)
        line.addWidget(text, 1)
        if signed_in:
            out = QPushButton(_("Sign out"))
            out.clicked.connect(lambda: self.sign_out(account))
            line.addWidget(out)
        else:
            again = QPushButton(_("Sign in…"))
            again.clicked.connect(lambda: self.open_form(account.address))
            line.addWidget(again)
        remove = QPushButton(_("Remove"))
        remove.setAccessibleName(_("Remove {site}").format(site=account.site_name))
        remove.clicked.connect(lambda: self.remove(account))
        line.addWidget(remove)
        return row

    # --- adding -------------------------------------------------------------------------

    def open_form(self, address: str = "") -> None:
        """The form, empty or for a site whose account must sign in again."""
        self.site = None
        self.address.setText(address if isinstance(address, str) else "")  # clicked(bool)
        self.username.clear()
        self.password.clear()
        self._show_step()
        self.form.show()
        self.add_button.hide()
        self.address.setFocus()

    def close_form(self) -> None:
        self.password.clear()
        self.form.hide()
        self.add_button.show()

    def _next(self) -> None:
        if self.site is None:
            self.look_up()
        elif self._in_browser():
            self.sign_in_in_browser()
        else:
            self.sign_in()

    def _in_browser(self) -> bool:
        return self.site is not None and str(self.site.sign_in_kind) != "password"

    def sign_in_in_browser(self) -> None:
        """The site signs its learners in in the browser: it opens there, and the answer
        comes back to Companion by itself (its URL scheme)."""
        sites, address, opener = self.sites, self.site.address, self.open_browser
        self._busy(True)

        def start() -> bool:
            return bool(opener(sites().start_browser_sign_in(address)))

        run_in_background(self, start, self._browser_opened, self._failed)

    def _browser_opened(self, opened: bool) -> None:
        self._busy(False)
        self.close_form()
        self.added.setText(
            _("Finish signing in in your browser: Companion carries on by itself.")
            if opened
            else _("No browser could be opened on this computer.")
        )
        self.added.show()

    def look_up(self) -> None:
        """Ask the typed address what it is and how its learners sign in."""
        address, sites = self.address.text().strip(), self.sites
        if not address:
            return
        self._busy(True)
        run_in_background(self, lambda: sites().describe_site(address), self._found, self._failed)

    def _found(self, site: Any) -> None:
        self._busy(False)
        self.site = site
        self._show_step()
        if self._in_browser():
            self.next_button.setFocus()
        else:
            self.username.setFocus()

    def sign_in(self) -> None:
        if self.site is None:
            return
        sites, address, outlines = self.sites, self.site.address, self.outlines
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()  # not kept on screen either
        self._busy(True)

        def add() -> SiteAccount:
            account = sites().add_with_password(address, username, password)
            outlines(account)  # the library names its courses and shows their chapters
            return account

        run_in_background(self, add, self._added, self._failed)

    def _added(self, account: SiteAccount) -> None:
        self._busy(False)
        self.empty.hide()  # the list follows: no "add your site" over a site just added
        self.close_form()
        count = len(account.courses)
        self.added.setText(
            ngettext(
                "{site}: {n} course added to your library.",
                "{site}: {n} courses added to your library.",
                count,
            ).format(site=account.site_name, n=count)
        )
        self.added.show()
        self.changed.emit()
        self.refresh()

    def _show_step(self) -> None:
        asking = self.site is not None
        self.site_name.setText(self.site.name if asking else "")
        self.site_name.setVisible(asking)
        self.address.setReadOnly(asking)
        typed = asking and not self._in_browser()  # a name and password typed here
        for widget in (self.username, self.password, self._user_label, self._password_label):
            widget.setVisible(typed)
        self.retranslate()

    def _busy(self, busy: bool) -> None:
        self.next_button.setEnabled(not busy)
        self.banner.hide()

    # --- signing out and removing ---------------------------------------------------------

    def sign_out(self, account: SiteAccount) -> None:
        sites = self.sites
        run_in_background(self, lambda: sites().sign_out(account), self._done, self._failed)

    def remove(self, account: SiteAccount) -> None:
        """Asks first, saying what waits to be sent (counted on a worker: a file)."""
        pending = self.pending
        run_in_background(
            self,
            lambda: pending(account),
            lambda waiting: self._confirm_removal(account, waiting),
            self._failed,
            local=True,
        )

    def _confirm_removal(self, account: SiteAccount, waiting: int) -> None:
        question = _("Remove your account on {site}?").format(site=account.site_name)
        detail = _("Its courses leave your library; their files stay until space is needed.")
        if waiting:
            detail += " " + ngettext(
                "{n} action not sent to the site yet stays here, and goes if you add it again.",
                "{n} actions not sent to the site yet stay here, and go if you add it again.",
                waiting,
            ).format(n=waiting)
        answer = QMessageBox.question(self, _("Remove an account"), f"{question}\n\n{detail}")
        if answer != QMessageBox.StandardButton.Yes:
            return
        sites = self.sites
        run_in_background(self, lambda: sites().remove(account), self._done, self._failed)

    def _done(self, _result: object) -> None:
        self.changed.emit()
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        message, hint, reference = describe(error)
        if isinstance(error, UserFacingError):  # expected (a wrong password): no reference
            reference = ""
        self.banner.show_message("error", message, hint, reference, action=_("Close"))
