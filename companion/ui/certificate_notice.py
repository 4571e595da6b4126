"""A certificate that arrives while the learner is elsewhere: said above any tab, once,
until they open the wallet (which then says it itself)."""

from __future__ import annotations

from collections.abc import Callable

from companion.i18n import _

from companion.ui import words
from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub, ForLearner
from companion.ui.qt import QObject, Signal
from companion.ui.widgets.banner import MessageBanner


class CertificateAnnouncer(QObject):
    wallet_requested = Signal()  # the notice's button: "See my certificates"

    def __init__(
        self,
        parent: QObject,
        events: EventHub,
        unannounced: Callable[[], ForLearner[list[str]]],
        wallet_open: Callable[[], bool],
    ) -> None:
        """``unannounced``: the titles the learner was not told about yet (read on a
        worker); ``wallet_open``: the wallet is on screen, and says it itself."""
        super().__init__(parent)
        self._unannounced = unannounced
        self._wallet_open = wallet_open
        self.notice = MessageBanner()
        self.notice.action_requested.connect(self.wallet_requested)
        self.titles: list[str] = []  # not announced yet
        self._learner = 0  # bumped when the learner changes: older answers are theirs
        events.synced.connect(self._synced)
        events.learner_changed.connect(self._learner_changed)
        events.language_changed.connect(self.say)

    def _synced(self) -> None:
        if not self._wallet_open():
            self.look()

    def look(self) -> None:
        learner = self._learner
        run_in_background(
            self, self._unannounced, lambda titles: self._found(learner, titles), local=True
        )

    def _found(self, learner: int, titles: ForLearner[list[str]]) -> None:
        if learner != self._learner or not titles.current() or self._wallet_open():
            return  # read for a learner who has left, or the wallet says it itself
        self.titles = titles.value
        self.say()

    def _learner_changed(self) -> None:
        self._learner += 1
        self.seen()  # the one who left's: never shown to the next

    def seen(self) -> None:
        """The wallet is open: it says it now."""
        self.titles = []
        self.notice.hide()

    def say(self) -> None:
        if not self.titles:
            self.notice.hide()
            return
        self.notice.show_message(
            "info",
            words.new_certificates(self.titles),
            _("Congratulations! It is in your certificates, to print or to share."),
            action=_("See my certificates"),
        )
