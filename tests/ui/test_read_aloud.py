"""Issue 13: a chapter read aloud where Qt's text-to-speech is installed; no button where
it is not (PySide6-Essentials, what Companion installs, has none)."""

from __future__ import annotations

from companion import i18n

from companion.ui.qt import QObject, Signal
from companion.ui.views.reader_view import ReaderView
from companion.ui.widgets.read_aloud import ReadAloudButton


class FakeSpeech(QObject):
    """Stands in for QTextToSpeech: records what it was asked to say."""

    stateChanged = Signal(object)  # noqa: N815 - Qt's name
    said: list[str] = []  # noqa: RUF012

    class State:
        Ready = "ready"
        Speaking = "speaking"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.locale = None

    def setLocale(self, locale) -> None:
        self.locale = locale

    def say(self, text: str) -> None:
        FakeSpeech.said.append(text)
        self.stateChanged.emit(self.State.Speaking)

    def stop(self) -> None:
        self.stateChanged.emit(self.State.Ready)


def test_without_qt_text_to_speech_there_is_no_button(qtbot):
    view = ReaderView()
    qtbot.addWidget(view)
    assert not view.read_aloud.available  # this machine has PySide6-Essentials only
    assert view.read_aloud.isHidden()


def test_the_chapter_shown_is_read_aloud_and_the_button_stops_it(qtbot):
    i18n.install("fr")
    button = ReadAloudButton(FakeSpeech)
    qtbot.addWidget(button)
    button.show()
    button.set_text("Chapitre 1. Les équipements de protection.")
    assert button.text() == "Lire à voix haute"
    button.click()
    assert FakeSpeech.said[-1] == "Chapitre 1. Les équipements de protection."
    assert button.isChecked() and button.text() == "Arrêter la lecture"
    button.click()  # stop
    assert not button.isChecked()
    button.click()
    assert button._engine is not None
    button._engine.stateChanged.emit(FakeSpeech.State.Ready)  # the end of the text
    assert not button.isChecked()
