"""Whose progress is kept, said above the tabs; and the question, at a first sign-in,
about actions made on the profile before anyone signed in (issue 9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from companion.errors import describe
from companion.i18n import _, ngettext

if TYPE_CHECKING:
    from companion.app.context import Ownership

from companion.ui import qt
from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub
from companion.ui.failures import report_failure
from companion.ui.qt import QObject, QWidget, Signal
from companion.ui.widgets.banner import MessageBanner


class OwnershipController(QObject):
    shown = Signal()  # the notice is up to date; tests wait on it

    def __init__(
        self,
        window: QWidget,
        events: EventHub,
        *,
        ownership: Callable[[], Ownership],
        unclaimed_count: Callable[[], int],
        claim: Callable[[bool], int],
        claimed: Callable[[], None],
    ) -> None:
        """``ownership``: whose progress is kept now; ``unclaimed_count``: actions made
        before anyone signed in; ``claim``: the learner's answer (True: theirs), all read
        or written on a worker; ``claimed``: after an answer, send what became theirs."""
        super().__init__(window)
        self.window = window
        self._ownership_now = ownership
        self._unclaimed_count = unclaimed_count
        self._claim = claim
        self.claimed = claimed
        self.notice = MessageBanner()
        self._ownership: Ownership | None = None
        self.claim_box: Any = None  # the question, while it is open
        self._count_pending = False  # the count failed: asked again at the next refresh
        self.events = events
        events.learner_changed.connect(self.refresh)
        events.language_changed.connect(self.show)

    def refresh(self) -> None:
        run_in_background(self.window, self._ownership_now, self._ready)

    def _ready(self, ownership: Ownership) -> None:
        self.show_ownership(ownership)
        self.shown.emit()
        if self._count_pending and ownership.signed_in:
            self._count_unclaimed()

    def show_ownership(self, ownership: Ownership) -> None:
        self._ownership = ownership
        self.show()

    def show(self) -> None:
        """The notice in the current language (again when the language changes)."""
        ownership = self._ownership
        if ownership is None or ownership.signed_in:
            self.notice.hide()
            return
        if ownership.kiosk:
            message = _("Shared computer: what you do is not saved until you sign in.")
            hint = _(
                "Sign in to keep your progress; it is wiped from this computer when you leave."
            )
        elif ownership.owner_name:
            message = _("Progress kept for {name} — not you?").format(name=ownership.owner_name)
            hint = _("Sign in with your own account so that what you do next is yours.")
        else:
            message = _("Nobody is signed in: your progress is kept on this computer.")
            hint = _("The first learner to sign in will be asked whether it is theirs.")
        self.notice.show_message("info", message, hint, action=_("Sign in"))

    # --- actions made before anyone signed in ----------------------------------------------

    def offer_unclaimed(self) -> None:
        """A learner has just signed in: ask them about unclaimed actions, if any."""
        self.refresh()
        self._count_unclaimed()

    def _count_unclaimed(self) -> None:
        self._count_pending = False
        run_in_background(self.window, self._unclaimed_count, self._ask, self._count_failed)

    def _count_failed(self, error: BaseException) -> None:
        """Not counted: the learner would never be asked. Said, and counted again at the
        next refresh (a sync, a sign-in, the learner changing)."""
        self._count_pending = True
        report_failure(error)

    def _ask(self, count: int) -> None:
        """Ask without blocking (a modal loop would stall the sync status and the tests)."""
        if count <= 0:
            return
        buttons = qt.QMessageBox.StandardButton
        box = qt.QMessageBox(self.window)
        box.setIcon(qt.QMessageBox.Icon.Question)
        box.setWindowTitle(_("Progress made before you signed in"))
        box.setText(
            ngettext(
                "{n} action was made on this computer before anyone signed in. Is it yours?",
                "{n} actions were made on this computer before anyone signed in"
                " (chapters read, quizzes taken). Are they yours?",
                count,
            ).format(n=count)
        )
        box.setInformativeText(
            _("If not, they stay on this computer and are never sent under your name.")
        )
        box.setStandardButtons(buttons.Yes | buttons.No)
        box.setDefaultButton(buttons.No)
        box.finished.connect(lambda result: self._answer(result == buttons.Yes))
        self.claim_box = box
        box.open()

    def _answer(self, mine: bool) -> None:
        self.claim_box = None

        def done(_claimed: int) -> None:
            self._claim_done(mine)

        run_in_background(self.window, lambda: self._claim(mine), done, self._failed)

    def _claim_done(self, mine: bool) -> None:
        if mine:  # the courses and progress made before are the learner's now: shown
            self.events.learner_changed.emit()
        self.claimed()

    def _failed(self, error: BaseException) -> None:
        message, hint, reference = describe(error)
        self.notice.show_message("error", message, hint, reference, action=_("Close"))
