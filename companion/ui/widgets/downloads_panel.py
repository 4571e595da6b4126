"""The downloads panel: one row per job, the running one with its progress bar, bytes and
time left, the waiting ones in the order they will run, each with a way to take it off."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from companion import formatting
from companion.i18n import _

from companion.ui.qt import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTimer,
    QVBoxLayout,
    QWidget,
)

JobKey = tuple[str, str | None]  # (course id, chapter id or None for the whole course)

RATE_MEMORY = 3.0  # seconds: how long the rate remembers; smooths a bursty connection
STALLED_AFTER = 5.0  # seconds without a byte: say the download waits, give no time


class RateEstimate:
    """Bytes per second, smoothed (an exponential average over time, so bursts and short
    pauses do not make the estimate jump), and the time left from it. Without new bytes
    the rate decays: a stalled download's estimate grows instead of staying frozen."""

    def __init__(self, now: float) -> None:
        self.rate: float | None = None
        self.done = 0
        self.total = 0
        self._last = now  # when ``done`` last changed

    def add(self, done: int, total: int, now: float) -> None:
        elapsed = now - self._last
        if done > self.done and elapsed > 0:
            sample = (done - self.done) / elapsed
            weight = 1 - math.exp(-elapsed / RATE_MEMORY)
            self.rate = sample if self.rate is None else self.rate + weight * (sample - self.rate)
            self._last = now
        elif done < self.done:  # a new file or a restart: start counting again
            self._last = now
        self.done, self.total = done, total

    def seconds_left(self, now: float) -> float | None:
        """None when it cannot be told yet, or the download is stalled."""
        quiet = now - self._last
        if self.rate is None or self.rate <= 0 or quiet >= STALLED_AFTER:
            return None
        rate = self.rate * math.exp(-quiet / RATE_MEMORY) if quiet > 1 else self.rate
        return max(0.0, (self.total - self.done) / rate - min(quiet, 1.0))


class JobRow(QWidget):
    def __init__(self, title: str, on_remove: Callable[[], None]) -> None:
        super().__init__()
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.name = title
        self.bar = QProgressBar()
        # Named for a screen reader: "progress bar" alone, and several "Cancel" buttons that
        # all sounded the same, did not say which download (issue 27).
        self.bar.setAccessibleName(_("Download of {title}").format(title=title))
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
        self.estimate = RateEstimate(time.monotonic())
        self.ticker = QTimer(self)  # the estimate moves between events, and says a stall
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)
        self.waiting()

    def waiting(self) -> None:
        self.bar.setValue(0)
        self.state.setText(_("Waiting"))
        self.remove.setText(_("Withdraw"))
        self.remove.setAccessibleName(_("Withdraw {title}").format(title=self.name))

    def running(self) -> None:
        self.estimate = RateEstimate(time.monotonic())
        self.state.setText(_("Preparing…"))
        self.remove.setText(_("Cancel"))
        self.remove.setAccessibleName(_("Cancel the download of {title}").format(title=self.name))
        self.ticker.start()

    def progress(self, done: int, total: int) -> None:
        self.bar.setValue(int(1000 * done / total) if total else 1000)
        self.estimate.add(done, total, time.monotonic())
        self.tick()

    def tick(self) -> None:
        """Say where the download is: bytes, and the time left or that it waits."""
        estimate = self.estimate
        if not estimate.total:
            return
        sizes = {"done": formatting.size(estimate.done), "total": formatting.size(estimate.total)}
        left = estimate.seconds_left(time.monotonic())
        if left is None and estimate.rate is not None:
            text = _("{done} of {total} — waiting for data from the connection…")
        elif left is None:
            text = _("{done} of {total}")
        elif left >= 90:
            text = _("{done} of {total} — about {minutes} min left")
            sizes["minutes"] = str(round(left / 60))
        else:
            text = _("{done} of {total} — about {seconds} s left")
            sizes["seconds"] = str(max(1, round(left)))
        self.state.setText(text.format(**sizes))


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
