"""A message strip above a view: what happened, what to do, and an action button."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from companion.i18n import _, said_again

from companion.ui import announce
from companion.ui.qt import (
    Early,
    QFrame,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    QShowEvent,
    QVBoxLayout,
    Signal,
    when_namespace_ready,
)

if TYPE_CHECKING:
    from companion.ui.qt import QEvent

Told = tuple[str, str, str, str]  # message, hint, reference, action: in today's language
LANGUAGE_CHANGE = 89  # QEvent.Type.LanguageChange, as a number: no Qt enum before the paint


class LanguageWatch(QObject):
    """Calls ``said_again`` when the widget it watches is told the language changed."""

    def __init__(self, parent: QObject, said_again: Callable[[], None]) -> None:
        super().__init__(parent)
        self._said_again = said_again

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's API
        if event.type() == LANGUAGE_CHANGE:
            self._said_again()
        return False


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
        self._words: Callable[[], Told] | None = None  # said again in another language
        self._language_watch: LanguageWatch | None = None
        texts = QVBoxLayout()
        texts.addWidget(self._message)
        texts.addWidget(self._hint)
        layout = QHBoxLayout(self)
        layout.addLayout(texts, 1)
        layout.addWidget(self._button)  # a fixed-height button: centred in the row
        self.hide()

    def tell(self, kind: str, words: Callable[[], Told]) -> None:
        """Show what ``words()`` says now, and say it again in another language when the
        learner switches (a banner shown in French stayed French, issue 25)."""
        self._words = words
        self._watch_language()
        self.setProperty("kind", kind)
        if self._styled:  # styled by an earlier show: again, for the new kind's colours
            self.style().unpolish(self)
            self.style().polish(self)
        message, details = self._fill(*words())
        self.show()
        announce.banner_shown(self, kind, message, details)  # heard wherever the focus is

    def show_message(
        self, kind: str, message: str, hint: str = "", reference: str = "", action: str = ""
    ) -> None:
        """``kind`` is "error" or "warning"; it picks the colours in the style sheet."""
        shown = (message, hint, reference, action)
        self.tell(kind, lambda: shown)

    def _watch_language(self) -> None:
        """Once a message is shown: told of language switches by a filter of its own (a
        ``changeEvent`` of Python's would run at every change of every banner, setting up
        Qt's enums before the window's first paint, issue 14)."""
        if self._language_watch is None:
            self._language_watch = LanguageWatch(self, self._say_again)
            # Before the first paint, from when it is over: no language switch comes
            # sooner, and reading each event's type would set up Qt's enums now.
            when_namespace_ready(self._install_watch)

    def _install_watch(self) -> None:
        if self._language_watch is not None:
            self.installEventFilter(self._language_watch)

    def _say_again(self) -> None:
        """What ``tell`` makes anew, the rest as the catalogue has it (an error's text
        made from figures or names stays as it was). Only the words change: a banner the
        learner closed stays closed, and nothing is announced again."""
        if self._words is None or self.isHidden():
            return
        message, hint, reference, action = self._words()
        self._fill(said_again(message), said_again(hint), reference, said_again(action))

    def _fill(self, message: str, hint: str, reference: str, action: str) -> tuple[str, str]:
        """The banner's words; the message and the details line shown."""
        self._message.setText(message)
        details = hint
        if reference:
            details = (details + "  " if details else "") + _("Reference: {reference}").format(
                reference=reference
            )
        self._hint.setText(details)
        self._hint.setVisible(bool(details))
        self._button.setText(action or _("Try again"))
        return message, details

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
