"""What a chapter's images may cost, decided before any is decoded (issue 24).

Every image (a block, or an ``<img>`` of the course's HTML naming a file of the same course)
is measured from its file's header (PNG, JPEG, GIF, WebP: the header
only; SVG: its declared size, after its references are cleaned). An image is shown at most
at ``MAX_SHOWN`` pixels across and down, scaled down once on a worker; it is refused when
decoding it would take more than ``MAX_IMAGE_PIXELS`` (an SVG is drawn directly at the
size shown, so only what it embeds counts), and once the chapter's images shown would take
more than ``MAX_CHAPTER_PIXELS``. A refused image is a line of text saying so: it is never
decoded. An animated image shows its first frame only.

The reader receives the page with each image as ``<img src="companion-image:N">`` at its
final width and height (the text is laid out at once), and the images to decode, in order.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from companion.i18n import _
from companion.image_headers import read_header
from companion.services.svg_safety import SafeSvg, SvgCleaner, relative

log = logging.getLogger("companion.services")

IMAGE_SCHEME = "companion-image"
MAX_SHOWN = (1000, 1500)  # width, height: wider than the reader, for a sharp picture
MAX_IMAGE_PIXELS = 16_000_000  # 64 MB decoded (4 bytes a pixel), once, on a worker
MAX_CHAPTER_PIXELS = 16_000_000  # what a chapter's images shown may hold: 64 MB
MAX_SVG_BYTES = 2_000_000  # a drawing, not a data store; cleaned in memory
MAX_IMAGE_BYTES = 40_000_000  # a file read whole on the worker: no image needs more
SVG_TYPES = {"image/svg+xml"}


class ImageToDecode(NamedTuple):
    key: str  # the address in the page: companion-image:N
    format: str  # "png", "jpeg", "gif", "webp", "svg": what the bytes are, checked
    path: Path  # the course file, read on the worker that decodes it
    svg: bytes | None  # an SVG: the cleaned document at the size shown, read instead
    width: int  # the size shown, never larger than the image
    height: int


class ChapterPage(NamedTuple):
    html: str
    images: tuple[ImageToDecode, ...] = ()


# A relative reference to a file of the same course: its path and media type; None when
# the course has no such file.
CourseFile = Callable[[str], tuple[Path, str] | None]


class ImageBudget:
    """One chapter's images, measured and admitted in order."""

    def __init__(self, course_file: CourseFile | None = None) -> None:
        self.course_file: CourseFile = course_file or (lambda _reference: None)
        self.pixels_left = MAX_CHAPTER_PIXELS
        self.images: list[ImageToDecode] = []

    def block(self, path: Path, media_type: str, title: str, alt: str = "") -> str:
        """The HTML for one image block: the image at its size shown, or why it is not;
        under it, its author's description, then its caption. Qt gives a screen reader
        an image in a text as one unnamed character: the description is said in words,
        in the text, for all to read (issue 27: it was dropped)."""
        lines = [_described(alt)] if alt else []
        if title and title != alt:
            lines.append(title)
        return f"<p>{self.image(path, media_type, alt or title)}{_small_lines(lines)}</p>"

    def inline(self, reference: str, alt: str) -> str:
        """An image in a course's HTML: a file of the same course by a relative path, or
        nothing at all."""
        found = self.course_file(reference) if relative(reference) else None
        if found is None:
            log.info("course HTML: took out an image of %.80r", reference)
            return ""
        shown = self.image(found[0], found[1], alt)
        if alt.strip() and shown.startswith("<img"):  # its description in words (see block)
            shown += _small_lines([_described(alt.strip())])
        return shown

    def image(self, path: Path, media_type: str, alt: str) -> str:
        """``<img>`` at the size shown, or a sentence saying why not."""
        measured = self._measure(path, media_type)
        if isinstance(measured, str):
            return f"<em>{html.escape(measured)}</em>"
        fmt, safe, width, height = measured
        shown_w, shown_h = fit(width, height)
        if shown_w * shown_h > self.pixels_left:
            note = _("This image is not shown: the chapter's images take all the memory allowed.")
            return f"<em>{html.escape(note)}</em>"
        self.pixels_left -= shown_w * shown_h
        key = f"{IMAGE_SCHEME}:{len(self.images)}"
        svg = safe.at_size(shown_w, shown_h) if safe is not None else None
        self.images.append(ImageToDecode(key, fmt, path, svg, shown_w, shown_h))
        alt = html.escape(alt, quote=True)
        return f"<img src='{key}' width='{shown_w}' height='{shown_h}' alt='{alt}'>"

    def _svg_file(self, reference: str) -> tuple[bytes, str] | None:
        """A course file an SVG names, as bytes to inline (bounded)."""
        found = self.course_file(reference)
        if found is None or found[0].stat().st_size > MAX_SVG_BYTES:
            return None
        return found[0].read_bytes(), found[1]

    def _measure(
        self, path: Path, media_type: str
    ) -> tuple[str, SafeSvg | None, float, float] | str:
        """(format, cleaned SVG, width, height), or what to say instead of the image."""
        cannot = _("This image cannot be shown.")
        size = path.stat().st_size
        if media_type.split(";")[0].strip().lower() in SVG_TYPES:
            if size > MAX_SVG_BYTES:
                return too_large(None)
            cleaner = SvgCleaner(self._svg_file, MAX_IMAGE_PIXELS)
            safe = cleaner.clean(path.read_bytes())
            if cleaner.removed:
                log.info("course SVG: took out %s", ", ".join(cleaner.removed[:20]))
            if safe is None:
                return cannot
            return "svg", safe, safe.width, safe.height
        with path.open("rb") as stream:
            header = read_header(stream)
        if header is None:
            return cannot
        if header.pixels > MAX_IMAGE_PIXELS or size > MAX_IMAGE_BYTES:
            return too_large((header.width, header.height))
        return header.format, None, header.width, header.height


def _described(alt: str) -> str:
    """An image's description as a line of text: « Image : … »."""
    return _("Image: {description}").format(description=alt)


def _small_lines(lines: list[str]) -> str:
    """Lines under an image, in small type."""
    return "".join(f"<br><small>{html.escape(line)}</small>" for line in lines)


def too_large(size: tuple[int, int] | None) -> str:
    if size is None:
        return _("This image is too large to show.")
    dimensions = f"{size[0]} × {size[1]} px"  # a measure, not a count to put in words
    return _("This image is too large to show ({dimensions}).").format(dimensions=dimensions)


def fit(width: float, height: float) -> tuple[int, int]:
    """The size shown: scaled down (never up) to fit ``MAX_SHOWN``, at least a pixel."""
    scale = min(1.0, MAX_SHOWN[0] / width, MAX_SHOWN[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))
