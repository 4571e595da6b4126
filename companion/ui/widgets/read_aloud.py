"""Reading a chapter aloud (issue 13), where Qt's text-to-speech module and a speech engine
are installed, as audio and video play inside the reader where Qt's multimedia is. Without
them the button is not shown."""

from __future__ import annotations

from typing import Any

from companion import i18n
from companion.i18n import _

from companion.ui.qt import QLocale, QPushButton


class ReadAloudButton(QPushButton):
    """Reads the text given to ``read`` aloud, or stops; hidden where speech is missing."""

    def __init__(self, speech_class: Any | None) -> None:
        super().__init__()
        self.speech_class = speech_class
        self._engine: Any | None = None
        self._text = ""
        self.setCheckable(True)
        self.toggled.connect(self._toggled)
        self.setVisible(speech_class is not None)
        self.retranslate()

    @property
    def available(self) -> bool:
        return self.speech_class is not None

    def set_text(self, text: str) -> None:
        """The chapter now shown; a reading under way stops."""
        self._text = text
        self.setChecked(False)

    def retranslate(self) -> None:
        self.setText(_("Stop reading") if self.isChecked() else _("Read aloud"))
        self.setAccessibleDescription(_("Reads this chapter aloud with the system's voice."))

    def _toggled(self, reading: bool) -> None:
        self.retranslate()
        if self.speech_class is None:
            return
        if not reading:
            if self._engine is not None:
                self._engine.stop()
            return
        if self._engine is None:
            self._engine = self.speech_class(self)
            self._engine.stateChanged.connect(self._state_changed)
        self._engine.setLocale(QLocale(i18n.current_language()))
        self._engine.say(self._text)

    def _state_changed(self, state: Any) -> None:
        """The end of the text unticks the button."""
        ready = getattr(type(self._engine), "State", None)
        if ready is not None and state == ready.Ready and self.isChecked():
            self.blockSignals(True)
            self.setChecked(False)
            self.blockSignals(False)
            self.retranslate()
