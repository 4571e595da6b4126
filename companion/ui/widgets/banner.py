"""A message strip above a view: what happened, what to do, and an action button."""

from __future__ import annotations

from companion.i18n import _

from companion.ui import announce
from companion.ui.qt import (
    Early,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QShowEvent,
    QVBoxLayout,
    Signal,
)


class MessageBanner(QFrame):
    action_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("MessageBanner")
        # Polished (styled) at its first show: a kind set before that needs no re-polish,
        # nor QStyle (15 ms to set up) before the window's first paint.
        self._styled = False
        self._message = QLabel()
        self._message.setObjectName("BannerMessage")
        self._message.setWordWrap(True)
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        self._hint.setProperty("textInteractionFlags", Early.SELECTABLE_BY_MOUSE)
        self._button = QPushButton()
        self._button.clicked.connect(self.action_requested)
        texts = QVBoxLayout()
        texts.addWidget(self._message)
        texts.addWidget(self._hint)
        layout = QHBoxLayout(self)
        layout.addLayout(texts, 1)
        layout.addWidget(self._button)  # a fixed-height button: centred in the row
        self.hide()

    def show_message(
        self, kind: str, message: str, hint: str = "", reference: str = "", action: str = ""
    ) -> None:
        """``kind`` is "error" or "warning"; it picks the colours in the style sheet."""
        self.setProperty("kind", kind)
        if self._styled:  # styled by an earlier show: again, for the new kind's colours
            self.style().unpolish(self)
            self.style().polish(self)
        self._message.setText(message)
        details = hint
        if reference:
            details = (details + "  " if details else "") + _("Reference: {reference}").format(
                reference=reference
            )
        self._hint.setText(details)
        self._hint.setVisible(bool(details))
        self._button.setText(action or _("Try again"))
        self.show()
        announce.banner_shown(self, kind, message, details)  # heard wherever the focus is

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's API
        super().showEvent(event)
        self._styled = True

    @property
    def text(self) -> str:
        return self._message.text()

    @property
    def details(self) -> str:
        return self._hint.text()

    @property
    def message_label(self) -> QLabel:
        return self._message

    @property
    def action_button(self) -> QPushButton:
        """The banner's one action ("Try again", "Sign in", "Close"...)."""
        return self._button


def settings_problems_banner(problems: list[str]) -> MessageBanner:
    """What is wrong in the learner's settings file (a line that is not TOML, an unknown
    key, a bad value), said in the window rather than only in the log."""
    banner = MessageBanner()
    banner.show_message(
        "warning",
        _("Some of your settings are not used."),
        "\n".join(problems),
        action=_("Close"),
    )
    banner.action_requested.connect(banner.hide)
    return banner
