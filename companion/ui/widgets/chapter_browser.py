"""The reader's text, with images that are decoded on a worker and never loaded by Qt
from an address the course names (issue 24).

The page comes with each image as ``companion-image:N`` at its final size: the text is laid
out and shown at once, the images fill in as they are decoded, one at a time, each read
with its format named (Qt sniffs nothing) and at the size shown. Any other address an
image or style sheet might name loads nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from companion.i18n import _
from companion.services.chapter_images import IMAGE_SCHEME, ImageToDecode

from companion.ui import qt
from companion.ui.announce import announce
from companion.ui.qt import QSize, QTextBrowser
from companion.ui.widgets.chapter_marks import ChapterMarks

log = logging.getLogger("companion.ui")

# A line of about this many characters, the text centred in wider windows: the measure of
# books and of the web for reading. At 1280 px a chapter's lines ran 200 characters, and
# the eye lost the start of the next one (issue 25).
MEASURE_CHARACTERS = 75
# Paragraphs and list items a little more spaced than Qt's single line.
TEXT_STYLE = "p, li { line-height: 140%; }"

# What Qt's reader may allocate for one image, in MB: a backstop under the budget's own
# check (16 million pixels, 64 MB), should a decoder size an image otherwise.
ALLOCATION_LIMIT_MB = 80


def decode(image: ImageToDecode) -> Any:
    """The image at the size shown (a QImage; null when the file does not decode). Runs on
    a worker: QImage, unlike QPixmap, may be made off the GUI thread. One frame only.

    No Qt object of Python's making is handed to the decoder: Qt's reader calls a device's
    virtual methods (a QBuffer made in Python asks Python first, so needs the GIL) while it
    holds the lock of its image plugins, which the GUI thread may wait for holding the GIL
    (QPixmap.save): the reader deadlocked so, one run in six. A raster is read from its
    file in the course store by name; an SVG from its cleaned text, sized to be drawn at
    the size shown (``SafeSvg.at_size``)."""
    qt.QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    size = QSize(image.width, image.height)
    if image.svg is not None:
        decoded = qt.QImage.fromData(image.svg, "svg")  # type: ignore[arg-type] # str at run time
    else:
        reader = qt.QImageReader(str(image.path), image.format.encode("ascii"))
        reader.setDecideFormatFromContent(False)
        reader.setScaledSize(size)  # JPEG decodes close to it; others are scaled after
        decoded = reader.read()
    if decoded.isNull():
        log.warning("a course image did not decode (%s)", image.format)
        return decoded
    if decoded.size() != size:
        mode = qt.Qt.TransformationMode.SmoothTransformation
        decoded = decoded.scaled(size, qt.Qt.AspectRatioMode.IgnoreAspectRatio, mode)
    return decoded


class ChapterBrowser(QTextBrowser):
    """A QTextBrowser that shows only the images it is given, read with a caret.

    The arrows, Page Down and Ctrl+End move a caret through the text (the view follows
    it), as in a document: a screen reader reads the line the caret is on, and hears it
    move (issue 27: the text scrolled, and nothing was said). Links stay reachable with
    Tab, and open with Enter. Its headings, links and images are also objects of their
    own to a screen reader (``marks``)."""

    def __init__(self) -> None:
        super().__init__()
        flags = qt.Qt.TextInteractionFlag
        self.setTextInteractionFlags(flags.TextBrowserInteraction | flags.TextSelectableByKeyboard)
        self._pending = qt.QImage(1, 1, qt.QImage.Format.Format_ARGB32)
        self._pending.fill(0)  # transparent: the space the image will take
        self.marks = ChapterMarks(self)
        self.document().setDefaultStyleSheet(TEXT_STYLE)

    def setHtml(self, text: str) -> None:  # noqa: N802 - Qt's API
        """A chapter shown, at its measure, with its marks."""
        self.marks.clear()  # not placed over a text they no longer stand for
        super().setHtml(text)
        self.fit_measure()
        self.marks.rebuild()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        super().resizeEvent(event)
        self.fit_measure()
        self.marks.place()  # the text reflowed: its words moved

    def focusInEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        self.marks.when_needed()  # a screen reader started after the chapter was shown
        super().focusInEvent(event)

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        super().changeEvent(event)
        if event.type() == qt.QEvent.Type.FontChange:  # larger text: a wider measure
            self.fit_measure()
            self.marks.place()

    def fit_measure(self) -> None:
        """Lines of about ``MEASURE_CHARACTERS`` in the text's font (it grows with the
        zoom), centred: the room left over is the page's margins. The marks are placed
        again by the caller, once the text is laid out at its new size."""
        measure = self.fontMetrics().averageCharWidth() * MEASURE_CHARACTERS
        side = max(0, (self.viewport().width() - measure) // 2)
        frame = self.document().rootFrame()
        page = frame.frameFormat()
        if (page.leftMargin(), page.rightMargin()) != (side, side):
            page.setLeftMargin(side)
            page.setRightMargin(side)
            frame.setFrameFormat(page)

    def loadResource(self, kind: int, url: Any) -> Any:  # noqa: N802 - Qt's API
        """Only what was given: never a file, a network address or a style sheet."""
        image_kind = qt.QTextDocument.ResourceType.ImageResource
        if kind in (image_kind, image_kind.value) and url.scheme() == IMAGE_SCHEME:
            return self._pending  # until ``show_image`` puts the decoded one in its place
        log.info("the reader loads nothing from %.80r", url.toString())
        return None

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt's API
        """Tab selects the next link in the text: its mark takes the accessible focus, so
        a screen reader says it is a link, with its words (Qt tells it nothing when Tab
        selects one). A link past the marks' limit is announced instead."""
        with self.marks.tabbing():
            moved = bool(super().focusNextPrevChild(next))
        cursor = self.textCursor()
        if not (moved and self.hasFocus() and cursor.hasSelection()):
            return moved
        link = self.marks.selected_link()
        if link is not None:
            self.marks.focus_link(link)
            return moved
        probe = self.textCursor()
        probe.setPosition(cursor.selectionStart() + 1)
        if probe.charFormat().isAnchor():
            announce(self, _("Link: {text}").format(text=cursor.selectedText()))
        return moved

    def caret_to_view(self) -> None:
        """The caret where reading resumes: the first line shown (a chapter reopened is
        scrolled to where it was left; the caret at the top would scroll it back)."""
        self.setTextCursor(self.cursorForPosition(self.viewport().rect().topLeft()))

    def show_image(self, key: str, image: Any) -> None:
        """An image decoded: in its place, without moving the text (it has its size)."""
        document = self.document()
        document.addResource(qt.QTextDocument.ResourceType.ImageResource, qt.QUrl(key), image)
        document.markContentsDirty(0, document.characterCount())
        self.viewport().update()
