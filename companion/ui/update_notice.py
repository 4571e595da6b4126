"""A quiet notice at the right of the status bar when a newer Companion exists (issue 26,
item 6): its version and the size of its download, where to get it in the tooltip. No
dialog, nothing to dismiss; asked on a worker after the first paint, at most once a day
(companion.services.updates), never on a kiosk or against the machine's policy."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from companion import formatting
from companion.i18n import _
from companion.services.updates import UpdateCheck, UpdateNotice

from companion.ui.bridge import run_in_background
from companion.ui.qt import QLabel

log = logging.getLogger("companion.ui")


class UpdateLabel(QLabel):
    def __init__(self, notice: UpdateNotice) -> None:
        super().__init__()
        self.notice = notice
        self.setObjectName("updateNotice")
        self.retranslate()

    def retranslate(self) -> None:
        notice = self.notice
        if notice.size_bytes:
            text = _("Companion {version} is available ({size} to download)").format(
                version=notice.version, size=formatting.size(notice.size_bytes)
            )
        else:
            text = _("Companion {version} is available").format(version=notice.version)
        self.setText(text)
        self.setAccessibleName(text)
        where = (
            _("Download it from {address}").format(address=notice.url)
            if notice.url
            else _("Your training centre or platform has it.")
        )
        self.setToolTip(where)
        self.setAccessibleDescription(where)


def start(window: Any, check: UpdateCheck, fetch: Callable[[], Any]) -> None:
    """Check when due, on a worker (``fetch`` asks the platform); show what is known
    (found today or earlier)."""
    if not check.enabled():
        return

    def show(notice: UpdateNotice | None) -> None:
        if notice is None or window.findChild(UpdateLabel) is not None:
            return
        label = UpdateLabel(notice)
        window.statusBar().addPermanentWidget(label)
        window.events.language_changed.connect(label.retranslate)

    run_in_background(window, lambda: check.run(fetch), show, _no_news)


def _no_news(error: BaseException) -> None:  # UpdateCheck.run raises nothing it expects
    log.warning("update check failed: %s", error, exc_info=error)
