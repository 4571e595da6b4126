"""What a screen reader finds in a chapter besides its text (issue 27): its headings with
their level, its links, its images with their author's description.

Qt gives a chapter to assistive technology as one text object: a heading is larger bold
characters, a link underlined ones, an image one unnamed character (U+FFFC), and Qt's
AT-SPI bridge has no hypertext interface to say more. So each of them gets a widget of its
own over the place it is drawn — a mark, which paints nothing and lets the mouse through
— that ``companion.ui.accessible_roles`` gives to assistive technology as a heading (with
its level), a link (its words; its action opens it) or an image (its description). The
marks follow the text when it scrolls or reflows. A link that Tab selects takes the
accessible focus, so a screen reader says it is a link; when the caret leaves it, the
focus goes back to the text, whose caret the screen reader follows again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from companion.ui import qt
from companion.ui.qt import QObject, QWidget

log = logging.getLogger("companion.ui")

# Marks made for one chapter, at most: a real chapter has tens; one with thousands of
# links would make thousands of widgets. Past the limit a link is still reached by Tab.
MAX_MARKS = 400

HEADING, LINK, IMAGE = "heading", "link", "image"


class Mark(NamedTuple):
    """A heading, link or described image of a chapter: where it is in the text."""

    kind: str
    words: str
    start: int  # positions in the chapter's document
    end: int
    level: int = 0  # a heading's: 1 for h1...
    href: str = ""  # a link's address


def marks_in(document: Any) -> list[Mark]:
    """The chapter's headings, links and described images, in reading order."""
    marks: list[Mark] = []
    block = document.begin()
    while block.isValid() and len(marks) < MAX_MARKS:
        level = block.blockFormat().headingLevel()
        if level > 0 and block.text().strip():
            start, end = block.position(), block.position() + block.length() - 1
            marks.append(Mark(HEADING, block.text().strip(), start, end, level))
        marks.extend(_inline_marks(block))
        block = block.next()
    if len(marks) >= MAX_MARKS:
        log.info("a chapter with more than %d headings, links and images", MAX_MARKS)
    return marks[:MAX_MARKS]


def _inline_marks(block: Any) -> list[Mark]:
    """A block's links (the fragments of one address run together) and described images.
    A link's words are what it shows: an image's description for an image that is a
    link, its address when it shows no words at all."""
    alt_text = qt.QTextFormat.Property.ImageAltText
    marks: list[Mark] = []
    fragments = block.begin()
    while not fragments.atEnd():
        fragment = fragments.fragment()
        char_format = fragment.charFormat()
        start, end = fragment.position(), fragment.position() + fragment.length()
        image = char_format.isImageFormat()
        alt = str(char_format.property(alt_text) or "").strip() if image else ""
        if alt:  # an image without one is decoration, as in a browser
            marks.append(Mark(IMAGE, alt, start, end))
        href = char_format.anchorHref() if char_format.isAnchor() else ""
        if href:
            words = alt if image else fragment.text()
            last = next((m for m in reversed(marks) if m.kind == LINK), None)
            if last and last.href == href and last.end == start:
                marks[marks.index(last)] = last._replace(words=f"{last.words} {words}", end=end)
            else:
                marks.append(Mark(LINK, words, start, end, href=href))
        fragments += 1
    return [_said(mark) for mark in marks]


def _said(mark: Mark) -> Mark:
    """A mark's words on one line, without the character that stands for an image."""
    words = " ".join(mark.words.replace("\ufffc", " ").split())
    return mark._replace(words=words or mark.href)


class MarkWidget(QWidget):
    """A mark over its heading, link or image: seen by assistive technology only."""

    def __init__(self, mark: Mark, marks: ChapterMarks, parent: Any) -> None:
        super().__init__(parent)
        self.mark = mark
        self.marks = marks
        self.setAttribute(qt.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(qt.Qt.FocusPolicy.NoFocus)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt's API
        """Nothing: the text under it shows the heading, link or image."""


class ChapterMarks(QObject):
    """The marks of the chapter a browser shows, kept over their place in the text."""

    def __init__(self, browser: Any) -> None:
        super().__init__(browser)
        self.browser = browser
        self.widgets: list[MarkWidget] = []
        self._focused: MarkWidget | None = None
        self._tabbing = False
        self._made = True  # no chapter yet: nothing to mark
        # Scrolling moves them with the viewport's other children (QWidget.scroll); a new
        # layout (another width, the text's size, an image's) places them again.
        layout = browser.document().documentLayout()
        layout.documentSizeChanged.connect(self.place)
        browser.cursorPositionChanged.connect(self._caret_moved)
        browser.selectionChanged.connect(self._caret_moved)  # a key that only unselects

    def clear(self) -> None:
        """No marks: the chapter they stood for is going."""
        for widget in self.widgets:
            widget.hide()
            widget.deleteLater()
        self.widgets = []
        self._focused = None

    def rebuild(self) -> None:
        """Marks for the chapter now shown, the last one's gone: made while assistive
        technology listens (Qt's accessibility is active), else when it first does and
        the text takes the focus (``when_needed``). A chapter of 130 KB took 1.7 times as
        long to show with them (tests/bench/bench_chapter.py), for no one without one."""
        self.clear()
        self._made = False
        if qt.QAccessible.isActive():
            self._make()

    def when_needed(self) -> None:
        """The marks made now, if assistive technology has begun to listen since."""
        if not self._made and qt.QAccessible.isActive():
            self._make()

    def _make(self) -> None:
        self._made = True
        viewport = self.browser.viewport()
        self.widgets = [MarkWidget(m, self, viewport) for m in marks_in(self.browser.document())]
        self.place()
        for widget in self.widgets:
            widget.show()

    def place(self) -> None:
        """Each mark over its words as now laid out and scrolled (viewport coordinates)."""
        for widget in self.widgets:
            widget.setGeometry(self._drawn_at(widget.mark))

    def _drawn_at(self, mark: Mark) -> Any:
        cursor = self.browser.textCursor()
        cursor.setPosition(mark.start)
        first = self.browser.cursorRect(cursor)
        cursor.setPosition(mark.end)
        return first.united(self.browser.cursorRect(cursor))

    def link_at(self, start: int, end: int) -> MarkWidget | None:
        links = (w for w in self.widgets if w.mark.kind == LINK)
        return next((w for w in links if (w.mark.start, w.mark.end) == (start, end)), None)

    def selected_link(self) -> MarkWidget | None:
        """The link the browser's selection is on (Tab selects a link), if any."""
        cursor = self.browser.textCursor()
        if not cursor.hasSelection():
            return None
        return self.link_at(cursor.selectionStart(), cursor.selectionEnd())

    def has_focus(self, widget: MarkWidget) -> bool:
        """Whether ``widget``'s link has the accessible focus: Tab gave it, and the text
        still has the keyboard and the link selected."""
        focused = widget is self._focused and self.browser.hasFocus()
        return focused and self.selected_link() is widget

    def focus_link(self, widget: MarkWidget) -> None:
        """``widget``'s link given the accessible focus (Qt's stays on the browser)."""
        self._focused = widget
        self._tell_focus(widget)

    def select(self, widget: MarkWidget) -> None:
        """The link selected in the text, as Tab selects it, and focused."""
        cursor = self.browser.textCursor()
        cursor.setPosition(widget.mark.start)
        cursor.setPosition(widget.mark.end, cursor.MoveMode.KeepAnchor)
        self.browser.setFocus(qt.Qt.FocusReason.OtherFocusReason)
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
        self.focus_link(widget)

    def open(self, widget: MarkWidget) -> None:
        """The link followed, as a click or Enter follows it."""
        self.browser.anchorClicked.emit(qt.QUrl(widget.mark.href))

    @contextmanager
    def tabbing(self) -> Iterator[None]:
        """Tab moving the selection from link to link: no focus back to the text between
        them (a screen reader would say the text's name before each link)."""
        self._tabbing = True
        try:
            yield
        finally:
            self._tabbing = False
        if self.selected_link() is None:
            self._focused = None

    def _caret_moved(self) -> None:
        if self._tabbing:
            return
        if self._focused is not None and self.selected_link() is not self._focused:
            self._focused = None
            if self.browser.hasFocus():  # reading goes on in the text: the focus is its
                self._tell_focus(self.browser)

    @staticmethod
    def _tell_focus(widget: Any) -> None:
        accessible = qt.QAccessible
        if accessible.isActive():
            accessible.updateAccessibility(qt.QAccessibleEvent(widget, accessible.Event.Focus))
