"""Titles a screen reader knows as headings (issue 27): a view's title and a quiz's
questions were labels, bold text only, and a screen reader's "next heading" found none.

Qt gives every label the role of static text; an accessibility factory gives the labels
marked here the role of a heading instead, with their text as the name. Installed
app-wide once the window has painted (``install``), like the other app-wide additions.
"""

from __future__ import annotations

import html
import re
from typing import Any

from companion.ui import qt

HEADING = "accessibleHeading"  # a label's property: shown to assistive technology as a heading
VIEW_TITLE = "ViewTitle"  # every view's title (its object name, for the style sheet too)

_installed = False


def mark_heading(label: Any) -> None:
    """``label`` said to be a heading: before its text is set (Qt makes its accessible
    object when told of a change, and keeps it)."""
    label.setProperty(HEADING, True)


def words(text: str) -> str:
    """A label's words without the markup of a rich-text label (made and escaped here)."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def _is_heading(obj: Any) -> bool:
    if not obj.inherits("QLabel"):  # asked of every object a screen reader meets: cheap
        return False
    return bool(obj.objectName() == VIEW_TITLE or obj.property(HEADING))


def _heading_class() -> type:
    """Made when installed: QAccessibleWidget is not set up before the first paint."""
    accessible = qt.QAccessible

    class HeadingAccessible(qt.QAccessibleWidget):
        """A label as a heading: its role, and its words as its name."""

        def __init__(self, label: Any) -> None:
            super().__init__(label, accessible.Role.Heading)

        def text(self, kind: Any) -> str:
            label: Any = self.widget()  # a QLabel
            if kind == accessible.Text.Name:
                return str(label.accessibleName()) or words(str(label.text()))
            return str(super().text(kind))

    return HeadingAccessible


def install() -> None:
    """Once per process: labels marked as headings are given to assistive technology as
    headings from now on."""
    global _installed
    if _installed:
        return
    _installed = True
    heading = _heading_class()

    def factory(_class_name: str, obj: Any) -> Any:
        return heading(obj) if _is_heading(obj) else None

    qt.QAccessible.installFactory(factory)
