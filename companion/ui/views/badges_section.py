"""The wallet's badges from other sites (a Moodle's): what each is, from which site, and
honestly how far it is checked. Such a badge carries no signature: it is never shown as
verified like the platform's certificates; the wallet says when the site last confirmed it
online, or that it cannot be checked offline, or that the site withdrew it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from companion import formatting
from companion.i18n import _, ngettext
from companion.services.badges import KeptBadge

from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub
from companion.ui.qt import QLabel, Qt, QVBoxLayout, QWidget, Signal

if TYPE_CHECKING:
    from companion.app.site_progress import SiteProgress


def badge_text(badge: KeptBadge) -> str:
    """One badge in words (plain text: every part comes from the site)."""
    issued = formatting.moment_at(badge.issued_at)
    lines = [
        f"{badge.name} · {badge.site}",
        _("Awarded on {date}{course}").format(
            date=issued, course=f" — {badge.course_title}" if badge.course_title else ""
        ),
    ]
    if badge.withdrawn:
        lines.append(_("Withdrawn: the site no longer shows this badge as awarded to you."))
    elif badge.verified_online_at is not None:
        checked = formatting.moment_at(badge.verified_online_at)
        lines.append(_("Confirmed online by the site on {date}.").format(date=checked))
    else:
        lines.append(_("Not checkable offline: the site confirms it at the next sync."))
    if not badge.recipient_checked:
        lines.append(_("It does not name your e-mail address: ask the site's team."))
    return "\n".join(lines)


class BadgesSection(QWidget):
    shown = Signal()  # the list on screen is up to date; tests wait on it

    def __init__(self, events: EventHub, site_progress: Callable[[], SiteProgress]) -> None:
        """``site_progress``: the site accounts' progress and badges (read on a worker)."""
        super().__init__()
        self.site_progress = site_progress
        self.title = QLabel()
        self.title.setObjectName("SectionTitle")
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        self.badges: list[KeptBadge] = []
        self.hide()  # until a site account has a badge
        events.synced.connect(self.refresh)
        events.learner_changed.connect(self.refresh)
        events.language_changed.connect(self.refresh)  # its words are said anew
        self.refresh()

    def refresh(self) -> None:
        site_progress = self.site_progress
        run_in_background(self, lambda: site_progress().badges(), self._show, local=True)

    def _show(self, badges: list[KeptBadge]) -> None:
        self.badges = badges
        count = len(badges)
        self.title.setText(ngettext("A badge from another site", "Badges from other sites", count))
        self.text.setText("\n\n".join(badge_text(b) for b in badges))
        self.setVisible(bool(badges))
        self.shown.emit()
