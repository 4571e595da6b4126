"""File › Try studying offline, in demo mode: the demo platform stops answering until the
learner unticks it, so a newcomer can see offline study without pulling a cable or
stopping something they cannot see (issue 13)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from companion.i18n import _

from companion.ui.bridge import run_in_background
from companion.ui.qt import QAction, QObject

if TYPE_CHECKING:
    from companion.services.connection import PlatformConnection
    from companion.services.demo_platform import DemoPlatform


log = logging.getLogger("companion.ui")


def platform_text(connection: PlatformConnection, offline: bool) -> str:
    """The status bar's platform label: said only for the demo platform (``offline``: the
    learner switched it off to try studying offline)."""
    if connection.demo is None:
        return ""
    if offline:
        return _("Demo platform: offline on purpose")
    return _("Demo platform (on this computer)")


class DemoOfflineSwitch:
    """A checkable action in the File menu; only in demo mode."""

    def __init__(
        self,
        parent: QObject,
        connection: PlatformConnection,
        menu: Any,
        *,
        label_changed: Callable[[], None],
        switched: Callable[[], None],
    ) -> None:
        """``label_changed``: the status bar says the platform again; ``switched``: the
        platform and the sync are asked at once, so the window says it now, not at the
        next probe."""
        self.parent = parent
        self.connection = connection
        self.label_changed = label_changed
        self.switched = switched
        self.action = QAction(parent, checkable=True)
        self.action.toggled.connect(self._toggled)
        menu.addAction(self.action)

    @property
    def demo(self) -> DemoPlatform | None:
        return self.connection.demo  # None once the learner chose a platform of their own

    def retranslate(self) -> None:
        self.action.setVisible(self.connection.is_demo)
        self.action.setText(_("&Try studying offline (demo)"))
        self.action.setToolTip(
            _(
                "The demo platform stops answering, as when the connection is lost; "
                "untick to reconnect."
            )
        )

    def _toggled(self, offline: bool) -> None:
        demo = self.demo
        if demo is None:
            return
        self.action.setEnabled(False)  # one switch at a time
        run_in_background(
            self.parent, lambda: demo.set_offline(offline), self._switched, self._failed
        )

    def _switched(self, _result: object) -> None:
        self.action.setEnabled(True)
        self.label_changed()
        self.switched()

    def _failed(self, error: BaseException) -> None:
        log.warning("demo offline switch failed: %s", error)
        self.action.setEnabled(True)
        self.action.blockSignals(True)
        self.action.setChecked(self.demo is not None and self.demo.offline)
        self.action.blockSignals(False)
        self.label_changed()
