"""A view whose whole column scrolls when it does not fit (issue 25: at 150 and 200 % text
on a 1024×600 screen the account and certificates tabs made the window taller than the
screen, pushing the status bar off it). The window keeps its size; the page scrolls."""

from __future__ import annotations

from companion.ui.qt import QFrame, QScrollArea, Qt, QVBoxLayout, QWidget


def scrolling_column(owner: QWidget) -> QVBoxLayout:
    """The layout to fill ``owner`` with, inside a frameless scroll area that shows a
    scroll bar only when needed (a hidden horizontal one would hide content)."""
    body = QWidget()
    body.setObjectName("ScrollBody")
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scrolled(body, across=True))
    return QVBoxLayout(body)


def scrolled(widget: QWidget, *, across: bool = False) -> QScrollArea:
    """``widget`` in a frameless scroll area, scrolling only when it cannot fit (the
    library's course pane at 200 % text on a 1024×600 screen cut its last buttons);
    ``across``: sideways too, when needed."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    # Not a Tab stop of its own: Tab goes to what is inside, and Qt scrolls it into view.
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if not across:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(widget)
    return scroll
