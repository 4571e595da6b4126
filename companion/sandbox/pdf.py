"""A one-page PDF writer for the demo platform's handouts and certificates: the standard
Helvetica faces (no font embedded), Windows-1252 text, lines wrapped to the page.

It replaces fpdf2, which brought Pillow and fontTools along — 55 MB installed for two
pages of text — so that the demo platform can come with every install of the app (issue
26: a wheel installed without the `sandbox` extra had no demo at all). The calls mirror
fpdf's cursor model (cell, multi_cell, ln, set_y), in millimetres from the top left."""

from __future__ import annotations

import unicodedata
import zlib
from datetime import UTC, datetime

_MM = 72 / 25.4  # PDF points per millimetre
_PAGE_SIZES = {"portrait": (210.0, 297.0), "landscape": (297.0, 210.0)}  # A4
_MARGIN = 10.0
_FACES = {"": "Helvetica", "B": "Helvetica-Bold", "I": "Helvetica-Oblique"}

# Advance widths (per 1000 of the size) of the printable ASCII characters, from Adobe's
# core-font metrics; the oblique face has the regular one's.
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 "
    "556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 "
    "556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 "
    "500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 "
    "611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 "
    "611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 "
    "556 556 500 389 280 389 584"
)
_WIDTHS = {
    "": [int(w) for w in _REGULAR.split()],
    "B": [int(w) for w in _BOLD.split()],
}
_WIDTHS["I"] = _WIDTHS[""]


class OnePagePdf:
    def __init__(self, orientation: str = "portrait") -> None:
        self.width, self.height = _PAGE_SIZES[orientation]
        self.y = _MARGIN
        self.title = ""
        self.author = ""
        self.created = datetime(2026, 1, 1)
        self._style = ""
        self._size = 12.0
        self._ops: list[str] = []

    # State, as fpdf names it.
    def set_font(self, style: str, size: float) -> None:
        self._style, self._size = style, size
        self._ops.append(f"/F{style or 'R'} {size:g} Tf")

    def set_text_color(self, red: int, green: int, blue: int) -> None:
        self._ops.append(f"{red / 255:.3f} {green / 255:.3f} {blue / 255:.3f} rg")

    def set_draw_color(self, red: int, green: int, blue: int) -> None:
        self._ops.append(f"{red / 255:.3f} {green / 255:.3f} {blue / 255:.3f} RG")

    def set_line_width(self, millimetres: float) -> None:
        self._ops.append(f"{millimetres * _MM:.2f} w")

    def set_y(self, y: float) -> None:
        self.y = y

    def ln(self, height: float) -> None:
        self.y += height

    # Drawing.
    def rect(self, x: float, y: float, width: float, height: float) -> None:
        bottom = self.height - y - height
        self._ops.append(
            f"{x * _MM:.2f} {bottom * _MM:.2f} {width * _MM:.2f} {height * _MM:.2f} re S"
        )

    def cell(self, height: float, text: str, align: str = "L") -> None:
        """One line of text in a band `height` mm high, then the cursor below it."""
        usable = self.width - 2 * _MARGIN
        offset = {"L": 0.0, "C": (usable - self.text_width(text)) / 2}[align]
        baseline = self.y + height / 2 + self._size * 0.35 / _MM
        x, y = (_MARGIN + offset) * _MM, (self.height - baseline) * _MM
        self._ops.append(f"BT {x:.2f} {y:.2f} Td ({_escape(text)}) Tj ET")
        self.y += height

    def multi_cell(self, height: float, text: str, align: str = "L") -> None:
        """Text wrapped at word boundaries to the width between the margins."""
        for line in self.wrap(text, self.width - 2 * _MARGIN):
            self.cell(height, line, align)

    def text_width(self, text: str) -> float:
        widths = _WIDTHS[self._style]
        total = sum(widths[_ascii_code(c) - 32] if _ascii_code(c) >= 32 else 556 for c in text)
        return total * self._size / 1000 / _MM

    def wrap(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and self.text_width(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        return [*lines, current]

    def output(self) -> bytes:
        stream = zlib.compress("\n".join(self._ops).encode("latin-1"))
        size = f"0 0 {self.width * _MM:.2f} {self.height * _MM:.2f}"
        fonts = " ".join(f"/F{style or 'R'} {5 + n} 0 R" for n, style in enumerate(_FACES))
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [{size}] /Contents 4 0 R "
            f"/Resources << /Font << {fonts} >> >> >>".encode(),
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
            *(
                f"<< /Type /Font /Subtype /Type1 /BaseFont /{face} "
                "/Encoding /WinAnsiEncoding >>".encode()
                for face in _FACES.values()
            ),
            f"<< /Title ({_escape(self.title)}) /Author ({_escape(self.author)}) "
            f"/CreationDate (D:{_utc(self.created):%Y%m%d%H%M%S}Z) >>".encode("latin-1"),
        ]
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
            len(objects) + 1,
            len(objects),
        )
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment


def _ascii_code(character: str) -> int:
    """The code of the ASCII letter an accented one is drawn like (é as e), for its width."""
    base = unicodedata.normalize("NFKD", character)[:1] or character
    code = ord(base)
    return code if code < 127 else 0


def _escape(text: str) -> str:
    """A PDF string's bytes in Windows-1252 (what WinAnsiEncoding draws), as Latin-1 text."""
    data = text.encode("cp1252", "replace")
    escaped = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return escaped.decode("latin-1")
