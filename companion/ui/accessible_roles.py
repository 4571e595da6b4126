"""Roles Qt does not give, given by an accessibility factory (issue 27): labels that are
headings (a view's title, a quiz's questions), and a chapter's headings, links and
described images (its marks, ``widgets/chapter_marks.py``). Stacks of pages are plain
containers: as "layered panes" Orca said « layered pane » three times each time the focus
entered a chapter.

A heading says its level as AT-SPI's ``level`` attribute, through Qt's attributes
interface. PySide offers that interface as a class of its own: an accessible object
made in Python inherits it beside ``QAccessibleWidget`` and hands Qt its address when
asked for it (``interface_cast``), as a C++ class would cast ``this``.

Installed app-wide once the window has painted (``install``), like the other app-wide
additions: Qt's accessibility classes are not set up before the first paint.
"""

from __future__ import annotations

import functools
from typing import Any

from companion.ui import qt
from companion.ui.headings import heading_level, words
from companion.ui.widgets.chapter_marks import MarkWidget

_installed = False


@functools.cache
def _classes() -> dict[str, type]:
    """The accessible classes, made when first needed (see the module's note)."""
    accessible = qt.QAccessible
    name, attributes = accessible.Text.Name, accessible.InterfaceType.AttributesInterface
    actions = qt.QAccessibleActionInterface

    class Levelled(qt.QAccessibleWidget, qt.QAccessibleAttributesInterface):
        """A widget of a role of our choosing, with a level when it is a heading (0: no
        attribute)."""

        def __init__(self, widget: Any, role: Any, level: int) -> None:
            qt.QAccessibleWidget.__init__(self, widget, role)
            qt.QAccessibleAttributesInterface.__init__(self)
            self.level = level

        def interface_cast(self, kind: Any) -> Any:
            """This object as one of Qt's accessibility interfaces, or null."""
            if kind == attributes:  # the attributes part of this object (its 2nd C++ base)
                return qt.base_pointer(self, 1)
            return qt.pointer_or_null(super().interface_cast(kind))

        def attributeKeys(self) -> list[Any]:  # noqa: N802 - Qt's API
            return [accessible.Attribute.Level] if self.level else []

        def attributeValue(self, key: Any) -> Any:  # noqa: N802 - Qt's API
            return self.level if key == accessible.Attribute.Level and self.level else None

    class LabelHeading(Levelled):
        """A label as a heading: its role, level, and its words as its name."""

        def __init__(self, label: Any) -> None:
            super().__init__(label, accessible.Role.Heading, heading_level(label))

        def text(self, kind: Any) -> str:
            label: Any = self.widget()
            if kind == name:
                return str(label.accessibleName()) or words(str(label.text()))
            return str(super().text(kind))

    class ChapterMark(Levelled):
        """A heading, link or image of a chapter: its words, and whether it is scrolled
        out of sight."""

        def __init__(self, mark_widget: Any, role: Any) -> None:
            super().__init__(mark_widget, role, mark_widget.mark.level)

        def text(self, kind: Any) -> str:
            widget: Any = self.widget()  # a MarkWidget
            return str(widget.mark.words) if kind == name else str(super().text(kind))

        def state(self) -> Any:
            state = super().state()
            widget: Any = self.widget()
            state.offscreen = not widget.geometry().intersects(widget.parentWidget().rect())
            return state

    class ChapterLink(ChapterMark):
        """A link of a chapter: focusable (Tab selects it in the text), followed by its
        action as by Enter."""

        def state(self) -> Any:
            state = super().state()
            widget: Any = self.widget()
            state.focusable, state.linked = True, True
            state.focused = widget.marks.has_focus(widget)
            return state

        def actionNames(self) -> list[str]:  # noqa: N802 - Qt's API
            return [actions.pressAction(), actions.setFocusAction()]

        def doAction(self, action: str) -> None:  # noqa: N802 - Qt's API
            widget: Any = self.widget()
            if action == actions.pressAction():
                widget.marks.open(widget)
            elif action == actions.setFocusAction():
                widget.marks.select(widget)

    marks = {"heading": ChapterMark, "image": ChapterMark, "link": ChapterLink}
    return {"label": LabelHeading, **marks}


def _roles() -> dict[str, Any]:
    role = qt.QAccessible.Role
    return {"heading": role.Heading, "link": role.Link, "image": role.Graphic}


def accessible_for(obj: Any) -> Any:
    """Our accessible object for ``obj``, or None for Qt's own. Asked of every object a
    screen reader meets: the checks are cheap."""
    if obj.inherits("QLabel"):
        return _classes()["label"](obj) if heading_level(obj) else None
    if obj.inherits("QStackedWidget"):  # pages shown one at a time: a plain container
        return qt.QAccessibleWidget(obj, qt.QAccessible.Role.Client)
    if not isinstance(obj, MarkWidget):
        return None
    return _classes()[obj.mark.kind](obj, _roles()[obj.mark.kind])


def install() -> None:
    """Once per process: headings, and a chapter's links and images, given to assistive
    technology with their roles from now on."""
    global _installed
    if _installed:
        return
    _installed = True
    qt.QAccessible.installFactory(lambda _class_name, obj: accessible_for(obj))
