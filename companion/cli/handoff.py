"""`companion companion-desktop://token=…`: the system starts Companion with a browser
sign-in's answer; it goes to the window already open (``companion.ui.handoff``), and this
process ends."""

from __future__ import annotations

import sys

from companion import i18n
from companion.i18n import _
from companion.paths import Paths
from companion.settings import UI_LANGUAGE, Settings

from companion.ui.handoff import hand_over


def run(address: str) -> int:
    if hand_over(address):
        return 0
    paths = Paths.default()
    i18n.install(Settings(paths.settings_file, paths.policy_file).value(UI_LANGUAGE))
    print(
        "companion: "
        + _("Companion is not open: open it and start the sign-in again from the Account tab."),
        file=sys.stderr,
    )
    return 1
