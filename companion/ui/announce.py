"""Changes said to a screen reader without moving the focus (issue 27): going offline and
back, a platform error, a download finished, a quiz graded. Each changed a label the
learner was not on, and nothing was heard.

Qt's ``QAccessibleAnnouncementEvent`` (Qt 6.8) goes out over AT-SPI as the
``Object:Announcement`` event, which Orca speaks; a polite one waits for what is being
read, an assertive one (an error) interrupts it. Nothing is made while no assistive
technology listens.
"""

from __future__ import annotations

import logging
from typing import Any

from companion.i18n import _

from companion.ui import qt

log = logging.getLogger("companion.ui")


def announce(widget: Any, message: str, *, assertive: bool = False) -> None:
    """``message`` spoken by a screen reader, on behalf of ``widget`` (shown or not)."""
    accessible = qt.QAccessible
    if not message or not accessible.isActive():
        return
    event = qt.QAccessibleAnnouncementEvent(widget, message)
    politeness = accessible.AnnouncementPoliteness
    event.setPoliteness(politeness.Assertive if assertive else politeness.Polite)
    accessible.updateAccessibility(event)
    log.debug("announced: %.80s", message)


def connection_changed(widget: Any, state: str) -> None:
    """The platform went out of reach, or came back (``ConnectionState`` values): said
    once each way, not at every attempt to reach it (offline, connecting, online is one
    way back)."""
    previous = widget.property("announcedState")
    if state == "connecting" or state == previous:
        return
    widget.setProperty("announcedState", state)
    if state == "offline":
        announce(widget, _("Offline: you can go on studying what is downloaded."))
    elif previous == "offline":
        announce(widget, _("Back online."))


def banner_shown(widget: Any, kind: str, message: str, hint: str) -> None:
    """A banner's message (and what to do), assertive when it is an error."""
    announce(widget, f"{message} {hint}".strip(), assertive=kind == "error")
