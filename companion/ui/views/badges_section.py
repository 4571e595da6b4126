"""The wallet's badges from other sites (a Moodle's): what each is, from which site, and
honestly how far it is checked. Such a badge carries no signature: it is never shown as
verified like the platform's certificates; the wallet says when the site last confirmed it
online, or that it cannot be checked offline, or that the site withdrew it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion import formatting
from companion.i18n import _, ngettext
from companion.image_headers import read_header
from companion.services.badges import KeptBadge
from companion.services.chapter_images import ImageToDecode

from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub
from companion.ui.qt import QHBoxLayout, QLabel, QPixmap, Qt, QVBoxLayout, QWidget, Signal
from companion.ui.widgets.chapter_browser import decode

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


BADGE_SIDE = 72  # px: the badge's image beside its words
MAX_BADGE_BYTES = 2_000_000  # a badge's PNG is tens of kB; a bigger one is not decoded
MAX_BADGE_PIXELS = 4_000_000


def badge_image(path: Path) -> Any | None:
    """The badge's image at ``BADGE_SIDE`` (a QImage, on a worker), or None when the file
    is missing, too big, or not an image its header vouches for (it came from the site)."""
    try:
        if path.stat().st_size > MAX_BADGE_BYTES:
            return None
        with path.open("rb") as stream:
            header = read_header(stream)
    except OSError:
        return None
    if header is None or header.pixels > MAX_BADGE_PIXELS:
        return None
    scale = BADGE_SIDE / max(header.width, header.height)
    width, height = max(1, round(header.width * scale)), max(1, round(header.height * scale))
    decoded = decode(ImageToDecode("", header.format, path, None, width, height))
    return None if decoded.isNull() else decoded


class BadgeRow(QWidget):
    """One badge: its image (or a plain frame when it has none) and its words."""

    def __init__(self, badge: KeptBadge, image: Any | None) -> None:
        super().__init__()
        self.picture = QLabel()
        self.picture.setFixedSize(BADGE_SIDE, BADGE_SIDE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if image is not None:
            self.picture.setPixmap(QPixmap.fromImage(image))
        self.picture.setAccessibleName(_("Badge image: {name}").format(name=badge.name))
        self.text = QLabel(badge_text(badge))
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 6, 0, 6)
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)


class BadgesSection(QWidget):
    shown = Signal()  # the list on screen is up to date; tests wait on it

    def __init__(self, events: EventHub, site_progress: Callable[[], SiteProgress]) -> None:
        """``site_progress``: the site accounts' progress and badges (read on a worker)."""
        super().__init__()
        self.site_progress = site_progress
        self.title = QLabel()
        self.title.setObjectName("SectionTitle")
        self.rows = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.rows)
        self.badges: list[KeptBadge] = []
        self.hide()  # until a site account has a badge
        events.synced.connect(self.refresh)
        events.learner_changed.connect(self.refresh)
        events.language_changed.connect(self.refresh)  # its words are said anew
        self.refresh()

    def refresh(self) -> None:
        site_progress = self.site_progress

        def load() -> list[tuple[KeptBadge, Any | None]]:
            return [(badge, badge_image(badge.image)) for badge in site_progress().badges()]

        run_in_background(self, load, self._show, local=True)

    def _show(self, loaded: list[tuple[KeptBadge, Any | None]]) -> None:
        self.badges = [badge for badge, _image in loaded]
        while self.rows.count():
            item = self.rows.takeAt(0)
            row = item.widget() if item is not None else None
            if row is not None:
                row.setParent(None)  # gone now, not at the next turn of the event loop
                row.deleteLater()
        for badge, image in loaded:
            self.rows.addWidget(BadgeRow(badge, image))
        count = len(loaded)
        self.title.setText(ngettext("A badge from another site", "Badges from other sites", count))
        self.setVisible(bool(loaded))
        self.shown.emit()
