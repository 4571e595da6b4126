"""Titles a screen reader knows as headings (issue 27): a view's title and a quiz's
questions were labels, bold text only, and a screen reader's "next heading" found none.

Qt gives every label the role of static text; the labels marked here are given the role
of a heading, with their level, by ``companion.ui.accessible_roles``: a view's title is
of level 1, what is marked here of level 2 unless told.
"""

from __future__ import annotations

import html
import re
from typing import Any

HEADING = "accessibleHeading"  # a label's property: its level as a heading
VIEW_TITLE = "ViewTitle"  # every view's title (its object name, for the style sheet too)


def mark_heading(label: Any, level: int = 2) -> None:
    """``label`` said to be a heading: before its text is set (Qt makes its accessible
    object when told of a change, and keeps it)."""
    label.setProperty(HEADING, level)


def heading_level(label: Any) -> int:
    """The level of a label shown as a heading; 0 for one that is not."""
    if label.objectName() == VIEW_TITLE:
        return 1
    return int(label.property(HEADING) or 0)


def words(text: str) -> str:
    """A label's words without the markup of a rich-text label (made and escaped here)."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))
