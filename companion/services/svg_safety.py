"""A course's SVG as Qt may render it: only the course's own files and bounded ``data:``
images are referenced; every other reference (an absolute path, ``..``, ``file:``, a network
address, ``<use>`` of another document, CSS ``url()`` and ``@import``) is removed before Qt
sees the document, which is rendered from memory, never from a path (issue 24: an SVG's
``href="/etc/passwd"`` was opened, and a learner's picture shown inside a chapter).

The document is parsed with the standard library's expat (no external entity or DTD is ever
fetched), refused if it declares entities, and written back element by element: only SVG's
own elements and attributes (and ``xlink:href``) come out.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html import escape
from typing import NamedTuple
from urllib.parse import unquote

from companion.image_headers import read_header

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Elements whose content is never drawn, or could run or fetch something.
_DROPPED = {"script", "foreignObject", "iframe", "audio", "video", "handler", "listener"}
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")
_PER_UNIT = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_PER_UNIT["in"] = 96.0
DEFAULT_SIZE = (300.0, 150.0)  # a replaced element's size when nothing is declared (CSS)

# A relative reference to a file of the same course, as its bytes and media type; None
# when the course has no such file.
Resolver = Callable[[str], tuple[bytes, str] | None]


class SafeSvg(NamedTuple):
    data: bytes  # the document as Qt will read it, its size left out (``at_size``)
    width: float  # its declared size in pixels (width/height, else the viewBox)
    height: float
    view_box: str  # what its drawing spans: its own viewBox, else its declared size

    def at_size(self, width: int, height: int) -> bytes:
        """The document drawn at ``width`` × ``height``: Qt renders it at that size (its
        image reader, from bytes, with no device of Python's: see chapter_browser)."""
        size = f'<svg width="{width}" height="{height}" viewBox="{escape(self.view_box)}" '
        return self.data.replace(b"<svg ", size.encode(), 1)


def svg_size(root: ET.Element) -> tuple[float, float]:
    """The size the document declares, in pixels: width and height, else the viewBox's,
    else CSS's default for a replaced element."""
    box: tuple[float, float] | None = None
    numbers = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    if len(numbers) == 4:
        try:
            box_w, box_h = float(numbers[2]), float(numbers[3])
        except ValueError:
            box_w = box_h = 0.0
        if _usable(box_w) and _usable(box_h):
            box = (box_w, box_h)
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return width, height
    if box is not None:
        if width:
            return width, width * box[1] / box[0]
        if height:
            return height * box[0] / box[1], height
        return box
    return DEFAULT_SIZE


def _usable(value: float) -> bool:
    return math.isfinite(value) and 0 < value < 1e9


def _length(text: str | None) -> float | None:
    match = _LENGTH.match(text or "")
    if match is None:
        return None  # missing, a percentage, em...: the viewBox decides
    value = float(match.group(1)) * _PER_UNIT[match.group(2)]
    return value if _usable(value) else None


class SvgCleaner:
    """One document's cleaning. ``resolve`` finds a relative reference among the course's
    files; ``image_pixels`` is what embedded images may cost in all (decoded pixels)."""

    def __init__(self, resolve: Resolver, image_pixels: int) -> None:
        self.resolve = resolve
        self.pixels_left = image_pixels
        self.removed: list[str] = []  # what was taken out, for the log

    def clean(self, data: bytes) -> SafeSvg | None:
        """The document made safe, or None when it cannot be (not SVG, malformed, or it
        declares entities)."""
        try:
            text = data.decode("utf-8-sig")  # UTF-16 would hide a declaration from the check
        except UnicodeDecodeError:
            return None
        if "<!ENTITY" in text.upper():
            return None  # what defusedxml forbids; expat fetches no external DTD either way
        try:
            root = ET.fromstring(text)  # noqa: S314 - no entity can be declared (above)
        except ET.ParseError:
            return None
        if root.tag != f"{{{SVG_NS}}}svg" and root.tag != "svg":
            return None
        width, height = svg_size(root)
        box = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
        view_box = " ".join(box) if len(box) == 4 else f"0 0 {width:g} {height:g}"
        out = io.StringIO()
        self._write(root, out, top=True)
        return SafeSvg(out.getvalue().encode("utf-8"), width, height, view_box)

    def _write(self, element: ET.Element, out: io.StringIO, top: bool = False) -> None:
        name = _svg_name(element.tag)
        if name is None or name in _DROPPED:
            if name is not None:
                self.removed.append(f"<{name}>")
            out.write(escape(element.tail or "", quote=False))
            return
        attributes = [] if not top else [f' xmlns="{SVG_NS}"', f' xmlns:xlink="{XLINK_NS}"']
        for key, value in element.attrib.items():
            if top and key in ("width", "height", "viewBox"):
                continue  # given at the size shown (``SafeSvg.at_size``)
            kept = self._attribute(name, key, value)
            if kept is not None:
                attributes.append(f' {kept[0]}="{escape(kept[1])}"')
        out.write(f"<{name}{''.join(attributes)}>")
        text = element.text or ""
        out.write(escape(self._css(text) if name == "style" else text, quote=False))
        for child in element:
            self._write(child, out)
        out.write(f"</{name}>")
        if not top:
            out.write(escape(element.tail or "", quote=False))

    def _attribute(self, element: str, key: str, value: str) -> tuple[str, str] | None:
        if key.startswith("{"):
            namespace, local = key[1:].split("}", 1)
            if namespace == XLINK_NS and local == "href":
                key = "xlink:href"
            elif namespace == XML_NS and local == "space":
                return "xml:space", value
            else:
                return None  # xml:base and other documents' attributes
        if key.lower().startswith("on"):
            return None  # event handlers
        if key in ("href", "xlink:href"):
            reference = self._reference(element, value.strip())
            return (key, reference) if reference is not None else None
        return key, self._css(value) if "url(" in value.lower() or "\\" in value else value

    def _reference(self, element: str, value: str) -> str | None:
        """A reference kept: one inside this document, a bounded ``data:`` image, or a
        file of the course (made a ``data:`` image); None takes it out."""
        if value.startswith("#"):
            return value
        if _DATA_IMAGE.match(value):
            return value if element == "image" and self._affordable_data(value) else None
        if element == "image" and relative(value):
            found = self.resolve(value)
            if found is not None and self._affordable(found[0]):
                encoded = base64.b64encode(found[0]).decode("ascii")
                return f"data:{found[1]};base64,{encoded}"
        self.removed.append(f"{element} href {value[:80]!r}")
        return None

    def _affordable_data(self, value: str) -> bool:
        try:
            data = base64.b64decode(value.split(",", 1)[1], validate=False)
        except (binascii.Error, ValueError):
            return False
        return self._affordable(data)

    def _affordable(self, data: bytes) -> bool:
        header = read_header(io.BytesIO(data))
        if header is None or header.pixels > self.pixels_left:
            return False
        self.pixels_left -= header.pixels
        return True

    def _css(self, text: str) -> str:
        """No ``@import``, no ``url()`` but to this document (``url(#gradient)``)."""
        text = _IMPORT.sub("", text.replace("\\", ""))  # no escapes to hide a url( in
        return _URL.sub(lambda m: m.group(0) if m.group(2).startswith("#") else "none", text)


def _svg_name(tag: str) -> str | None:
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        return local if namespace == SVG_NS else None
    return tag


def relative(reference: str) -> bool:
    """A path inside the course: no scheme, not absolute, no ``..`` (encoded or not), no
    backslash. It is then looked for among the course's own files, never on disk."""
    decoded = unquote(reference)
    if not decoded or ":" in decoded or "\\" in decoded or decoded.startswith("/"):
        return False
    return ".." not in decoded.split("/") and "\0" not in decoded
