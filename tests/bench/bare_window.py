"""Baseline for the start-up benchmark: import PySide6, show an empty window, report the
first paint. Nothing of Companion is imported."""

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, lambda: print("bare painted", flush=True))
        return False


app = QApplication(sys.argv)
window = QMainWindow()
window.resize(900, 640)
probe = FirstPaint()
window.installEventFilter(probe)
window.show()
sys.exit(app.exec())
