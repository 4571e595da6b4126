"""The downloads panel: one row per job, the running one with its progress bar, bytes and
time left, the waiting ones in the order they will run, each with a way to take it off."""

from __future__ import annotations

import time
from collections.abc import Callable

from companion import formatting
from companion.i18n import _

from companion.ui.qt import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

JobKey = tuple[str, str | None]  # (course id, chapter id or None for the whole course)


class JobRow(QWidget):
    def __init__(self, title: str, on_remove: Callable[[], None]) -> None:
        super().__init__()
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setMaximum(1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        self.state = QLabel()
        self.state.setObjectName("ViewSubtitle")
        self.remove = QPushButton()
        self.remove.setFlat(True)
        self.remove.clicked.connect(on_remove)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.remove)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 2, 0, 2)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.bar)
        column.addWidget(self.state)
        self.started = 0.0
        self.waiting()

    def waiting(self) -> None:
        self.bar.setValue(0)
        self.state.setText(_("Waiting"))
        self.remove.setText(_("Withdraw"))

    def running(self) -> None:
        self.started = time.monotonic()
        self.state.setText(_("Preparing…"))
        self.remove.setText(_("Cancel"))

    def progress(self, done: int, total: int) -> None:
        self.bar.setValue(int(1000 * done / total) if total else 1000)
        elapsed = max(0.001, time.monotonic() - self.started)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0
        self.state.setText(
            _("{done} of {total} — about {seconds} s left").format(
                done=formatting.size(done), total=formatting.size(total), seconds=round(left)
            )
        )


class DownloadsPanel(QWidget):
    def __init__(
        self, title_of: Callable[[str], str], on_remove: Callable[[JobKey, bool], None]
    ) -> None:
        super().__init__()
        self.title_of = title_of
        self.on_remove = on_remove  # (job, running): cancel it, or take it off the queue
        self.rows: dict[JobKey, JobRow] = {}
        self.running: JobKey | None = None
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self.hide()

    def queued(self, key: JobKey) -> None:
        if key not in self.rows:
            course_id, chapter_id = key
            title = self.title_of(course_id)
            if chapter_id:
                title = _("{course} (one chapter)").format(course=title)
            row = JobRow(title, lambda: self.on_remove(key, key == self.running))
            self.rows[key] = row
            self._column.addWidget(row)
        self.show()

    def started(self, key: JobKey) -> None:
        self.queued(key)
        self.running = key
        self.rows[key].running()
        self._column.removeWidget(self.rows[key])
        self._column.insertWidget(0, self.rows[key])  # the running job on top

    def progress(self, key: JobKey, done: int, total: int) -> None:
        if key in self.rows:
            self.rows[key].progress(done, total)

    def ended(self, key: JobKey) -> None:
        row = self.rows.pop(key, None)
        if key == self.running:
            self.running = None
        if row is not None:
            self._column.removeWidget(row)
            row.deleteLater()
        self.setVisible(bool(self.rows))

    def retranslate(self) -> None:
        for key, row in self.rows.items():
            row.remove.setText(_("Cancel") if key == self.running else _("Withdraw"))
