"""Audio and video played inside the reader, where Qt's multimedia modules are installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from companion.i18n import _

from companion.ui.qt import QHBoxLayout, QLabel, QPushButton, QUrl, QVBoxLayout, QWidget, Signal


class MediaPlayer(QWidget):
    failed = Signal(str)

    def __init__(self, modules: Any) -> None:
        super().__init__()
        self.player = modules.QMediaPlayer(self)
        self.audio = modules.QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.video = modules.QVideoWidget()
        self.video.setMinimumHeight(200)
        self.player.setVideoOutput(self.video)
        self.title = QLabel()
        self.play_button = QPushButton()
        self.play_button.clicked.connect(self._toggle)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.stop)
        self.player.errorOccurred.connect(lambda _error, text: self.failed.emit(text))
        self.player.playbackStateChanged.connect(lambda _state: self._show_state())
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.play_button)
        row.addWidget(self.close_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.video)
        column.addLayout(row)
        self.hide()

    def play(self, path: Path, title: str, video: bool) -> None:
        self.title.setText(title)
        self.video.setVisible(video)
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        self.player.play()
        self.show()

    def playing(self) -> bool:
        return bool(self.player.playbackState() == self.player.PlaybackState.PlayingState)

    def stop(self) -> None:
        self.player.stop()
        self.hide()

    def _toggle(self) -> None:
        if self.playing():
            self.player.pause()
        else:
            self.player.play()

    def _show_state(self) -> None:
        self.play_button.setText(_("Pause") if self.playing() else _("Play"))
