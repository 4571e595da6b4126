"""The sync state, always in the status bar: what waits to be sent, when the last sync
succeeded, and the current problem in plain words with its reference for support staff."""

from __future__ import annotations

import time

from companion import formatting
from companion.i18n import _, ngettext
from companion.sync_status import Phase, SyncStatus

from companion.ui import qt
from companion.ui.qt import (
    Early,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QShowEvent,
    QSize,
    QSizePolicy,
    Qt,
    QWidget,
    Signal,
    plain_tooltip,
)
from companion.ui.theme import colour

_COLOURS = {  # names of theme colours
    Phase.IDLE: "good",
    Phase.SYNCING: "busy",
    Phase.OFFLINE: "waiting",
    Phase.FAILING: "bad",
    Phase.SIGNED_OUT: "neutral",
}


class ElidedLabel(QLabel):
    """One line that shortens itself with "…" when the status bar is narrow; the whole
    text stays in its tooltip."""

    def __init__(self, minimum: int = 120) -> None:
        super().__init__()
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(minimum)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(plain_tooltip(text))
        # A screen reader gets it whole, never "…", as its name: named "Sync status" like
        # the icon beside, the words were only a description (issue 27).
        self.setAccessibleName(text)
        if self.isVisible():
            self._fit()
        else:  # fitted when shown, to the width it is given then
            self.setText(text)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self.full_text) + 8, hint.height())

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt's API
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's API
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        if metrics.horizontalAdvance(self.full_text) <= self.width():
            self.setText(self.full_text)  # it fits (and ``Qt`` is not needed to say so)
            return
        if not qt.namespace_ready():  # clipped until the first paint is done, then "…"
            self.setText(self.full_text)
            qt.when_namespace_ready(self._fit)
            return
        self.setText(metrics.elidedText(self.full_text, Qt.TextElideMode.ElideRight, self.width()))


class SyncIndicator(QWidget):
    sync_requested = Signal()
    diagnostic_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.status: SyncStatus | None = None
        self.reachable = True  # what the connection indicator shows: the words agree with it
        self._shown_at = time.monotonic()
        self._icon = QLabel("⟳")
        self._label = ElidedLabel()
        self._label.setObjectName("SyncStatus")
        self.reference = QLabel()  # selectable: support staff copy it from here
        self.reference.setProperty("textInteractionFlags", Early.SELECTABLE_BY_MOUSE)
        self.button = QPushButton()
        self.button.setFlat(True)
        self.button.clicked.connect(self.sync_requested)
        self.diagnostic = QPushButton()  # shown when something is wrong: what, and what to do
        self.diagnostic.setFlat(True)
        self.diagnostic.clicked.connect(self.diagnostic_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self._icon)
        layout.addWidget(self._label, 1)
        layout.addWidget(self.reference)
        layout.addWidget(self.diagnostic)
        layout.addWidget(self.button)
        self.retranslate()

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        self._shown_at = time.monotonic()
        self.retranslate()

    def set_reachable(self, reachable: bool) -> None:
        if reachable != self.reachable:
            self.reachable = reachable
            self.retranslate()

    @property
    def text(self) -> str:
        """Everything the line says (it may be shortened on screen)."""
        return " · ".join(part for part in (self._label.full_text, self.reference.text()) if part)

    def retranslate(self) -> None:
        self.button.setText(_("Sync now"))
        self.button.setAccessibleDescription(_("Sends your progress now (Ctrl+Shift+S)."))
        self.diagnostic.setText(_("Diagnostic…"))
        self.diagnostic.setAccessibleDescription(
            _("Checks the connection and the sync, and says what to do.")
        )
        self._icon.setAccessibleName(_("Sync status"))
        self.setAccessibleName(_("Sync status"))
        status = self.status
        self.diagnostic.setVisible(
            status is not None
            and (status.phase in (Phase.OFFLINE, Phase.FAILING) or status.set_aside > 0)
        )
        if status is None:
            self._label.set_full_text(_("Progress: not synced yet"))
            return
        self._icon.setStyleSheet(f"color: {colour(_COLOURS[status.phase])};")  # the theme's
        self.button.setEnabled(status.phase is not Phase.SYNCING)
        self._label.set_full_text(" · ".join(part for part in self._parts(status) if part))
        # Offline is expected, not a fault: the dot beside already says "offline", and a
        # reference there only alarmed (issue 25). A failure's stays, for support staff.
        troubled = status.phase is Phase.FAILING and status.reference
        self.reference.setText(
            _("ref. {reference}").format(reference=status.reference) if troubled else ""
        )
        self.setToolTip(plain_tooltip("\n".join(part for part in self._details(status) if part)))

    shared_computer = False  # a kiosk: signed out, nothing is kept (set by kiosk mode)

    def _parts(self, status: SyncStatus) -> list[str]:
        pending = (
            ngettext("{n} action to send", "{n} actions to send", status.pending).format(
                n=status.pending
            )
            if status.pending
            else ""
        )
        if status.phase is Phase.SYNCING:
            return [_("Syncing progress…"), pending]
        if status.phase is Phase.SIGNED_OUT and self.shared_computer:
            return [_("Not signed in: progress is not kept on this shared computer")]
        if status.phase is Phase.SIGNED_OUT:
            return [pending or _("Progress saved on this computer"), _("sign in to sync it")]
        if status.phase is Phase.OFFLINE and self.reachable:
            # The platform answered since this sync failed: it goes again shortly.
            return [_("Progress kept, sending it again shortly"), pending]
        if status.phase in (Phase.OFFLINE, Phase.FAILING):
            problem = (
                _("Progress kept on this computer")
                if status.phase is Phase.OFFLINE
                else _("Sync failed: {m}")
            ).format(m=status.message.rstrip("."))
            return [problem, pending, self._retry()]
        if pending:
            return [pending]
        return [self._last_sync(status) or _("Progress synced")]

    def _details(self, status: SyncStatus) -> list[str]:
        lines = [status.message, status.hint, self._last_sync(status)]
        if status.set_aside:
            lines.append(
                ngettext(
                    "{n} action refused by the platform (see diagnostics)",
                    "{n} actions refused by the platform (see diagnostics)",
                    status.set_aside,
                ).format(n=status.set_aside)
            )
        if status.reference and status.phase in (Phase.OFFLINE, Phase.FAILING):
            lines.append(_("Reference: {reference}").format(reference=status.reference))
        return lines

    @staticmethod
    def _last_sync(status: SyncStatus) -> str:
        if status.last_success is None:
            return ""
        when = formatting.moment_at(status.last_success)
        return _("Last sync {when}").format(when=when)

    def _retry(self) -> str:
        if self.status is None or self.status.retry_in is None:
            return ""
        left = max(0.0, self.status.retry_in - (time.monotonic() - self._shown_at))
        if left < 60:
            return _("next try in {n} s").format(n=max(1, round(left)))
        return _("next try in {n} min").format(n=round(left / 60))
