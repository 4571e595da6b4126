"""The first-run welcome: what studying offline means, which platform, and signing in.

Shown once per profile, over the main window once it is on screen (the window goes on
loading behind it), never on a kiosk or where the organisation fixed the platform
(companion/services/first_run.py decides). Whatever the learner answers, even Esc, it is
not shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from companion.errors import UserFacingError
from companion.i18n import _
from companion.services import first_run
from companion.settings import PLATFORM_API_URL, Settings

from companion.ui import qt
from companion.ui.qt import QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget
from companion.ui.widgets.focus import focus_first


@dataclass
class WelcomeNeeds:
    """What the welcome uses, given by the composition root."""

    settings: Settings
    profile_dir: Path
    platform_changed: Callable[[], None]  # the learner chose another platform
    show_account: Callable[[], QWidget]  # the Account tab, to sign in from


class Welcoming(Protocol):
    def welcome_needs(self) -> WelcomeNeeds: ...


def welcome_if_first_run(window: Welcoming) -> Any:
    """The hook for start-up: the welcome on a profile's first start, else None."""
    needs = window.welcome_needs()
    if not first_run.should_welcome(needs.settings, needs.profile_dir):
        return None
    dialog = WelcomeDialog(window, needs)
    dialog.open()  # window-modal, without a nested event loop: the window goes on loading
    return dialog


class WelcomeDialog(qt.QDialog):  # type: ignore[misc]
    def __init__(self, window: Any, needs: WelcomeNeeds) -> None:
        super().__init__(window)
        self.window_ = window
        self.needs = needs
        self.settings = needs.settings
        self.choosable = first_run.platform_choosable(self.settings)
        self.setModal(True)
        self.title = QLabel()
        self.title.setObjectName("ViewTitle")
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.platform_title = QLabel()
        self.platform_title.setObjectName("SectionTitle")
        self.demo = qt.QRadioButton()
        self.own = qt.QRadioButton()
        self.address = qt.QLineEdit()
        self.address.setClearButtonEnabled(True)
        self.address.textEdited.connect(lambda _text: self.own.setChecked(True))
        self.own.toggled.connect(self._own_toggled)
        self.fixed = QLabel()  # the platform set outside the app: said, not offered
        self.fixed.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("Countdown")  # bold: what to fix before going on
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.sign_in = QPushButton()
        self.sign_in.setObjectName("PrimaryButton")
        self.sign_in.setDefault(True)
        self.sign_in.clicked.connect(lambda: self._answer(sign_in=True))
        self.later = QPushButton()
        self.later.clicked.connect(lambda: self._answer(sign_in=False))
        self.finished.connect(self._closed)  # Esc or the close button: welcomed all the same
        self._lay_out()
        current = self.settings.value(PLATFORM_API_URL).strip()
        self.own.setChecked(bool(current))
        self.demo.setChecked(not current)
        self.address.setText(current)
        self._own_toggled(bool(current))
        self.retranslate()

    def _lay_out(self) -> None:
        choice = QWidget()
        column = QVBoxLayout(choice)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.demo)
        column.addWidget(self.own)
        indented = QHBoxLayout()
        indented.addSpacing(24)
        indented.addWidget(self.address, 1)
        column.addLayout(indented)
        choice.setVisible(self.choosable)
        self.fixed.setVisible(not self.choosable)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.later)
        buttons.addWidget(self.sign_in)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        layout.addSpacing(8)
        layout.addWidget(self.platform_title)
        layout.addWidget(choice)
        layout.addWidget(self.fixed)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        self.setMinimumWidth(min(560, self.window_.width()))

    def retranslate(self) -> None:
        self.setWindowTitle(_("Welcome to Companion"))
        self.title.setText(_("Welcome"))
        self.explanation.setText(
            _(
                "Companion keeps your courses on this computer. Download a course once, "
                "with a connection; then read it, answer its quizzes and see your progress "
                "without one. What you do is saved here first and sent to your training "
                "platform the next time you are connected: nothing is lost."
            )
        )
        self.platform_title.setText(_("Your training platform"))
        self.demo.setText(_("The demo platform, to try Companion with sample courses"))
        self.own.setText(_("My training centre's platform, at this address:"))
        self.address.setPlaceholderText("https://…")
        self.address.setAccessibleName(_("Platform address"))
        platform = self.settings.value(PLATFORM_API_URL).strip()
        self.fixed.setText(
            _("Companion uses the platform set on this computer: {address}").format(
                address=platform or _("the demo platform")
            )
        )
        self.sign_in.setText(_("Sign in"))
        self.later.setText(_("Later"))
        self.later.setAccessibleDescription(
            _("Start without signing in: you can sign in at any time from the Account tab.")
        )

    def _own_toggled(self, own: bool) -> None:
        self.address.setEnabled(own)
        if own:
            self.address.setFocus(Qt.FocusReason.OtherFocusReason)

    def _answer(self, sign_in: bool) -> None:
        changed = False
        if self.choosable:
            try:
                changed = first_run.choose_platform(
                    self.settings, self.address.text() if self.own.isChecked() else None
                )
            except UserFacingError as error:
                self.problem.setText(f"{error.message} {error.hint}".strip())
                self.problem.show()
                self.address.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.accept()
        if changed:
            self.needs.platform_changed()
        if sign_in:
            focus_first(self.needs.show_account())

    def _closed(self, _result: int) -> None:
        first_run.mark_welcomed(self.needs.profile_dir)
