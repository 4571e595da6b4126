"""Media the sample courses need, generated deterministically (same bytes every build)."""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

_FIXED_DATE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# The PDF core fonts only cover Latin-1; these typographic characters are replaced.
_LATIN1_FALLBACKS = str.maketrans(
    {"œ": "oe", "Œ": "OE", "’": "'", "…": "...", "—": "-", "–": "-", "\u202f": " ", "€": "EUR"}
)


def evacuation_signal_wav(seconds: float = 4.0, rate: int = 16_000) -> bytes:
    """A two-tone evacuation signal (554 Hz for 0.1 s, then 440 Hz for 0.4 s), repeated."""
    frames = bytearray()
    total = int(seconds * rate)
    fade = int(0.01 * rate)  # 10 ms ramps so the tone changes do not click
    for n in range(total):
        position = (n / rate) % 0.5
        frequency = 554.0 if position < 0.1 else 440.0
        envelope = min(1.0, n / fade, (total - n) / fade)
        sample = 0.45 * envelope * math.sin(2 * math.pi * frequency * n / rate)
        frames += struct.pack("<h", int(sample * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def course_handout_pdf(title: str, chapters: Sequence[str], memo: Sequence[str]) -> bytes:
    """A one-page handout: the course's key points and its outline."""
    from fpdf import FPDF  # only when a PDF is made: fpdf and fontTools are slow to import

    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_title(_latin1(title))
    pdf.set_author("Plateforme de formation (sandbox)")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.set_text_color(31, 95, 139)
    pdf.multi_cell(0, 9, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "I", 11)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 7, "Fiche mémo - à garder sous la main", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _section(pdf, "L'essentiel")
    for point in memo:
        pdf.multi_cell(0, 6.5, _latin1("-  " + point), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _section(pdf, "Plan du cours")
    for number, chapter in enumerate(chapters, start=1):
        pdf.multi_cell(0, 6.5, _latin1(f"{number}. {chapter}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def certificate_pdf(
    learner: str, course: str, issued_at: datetime, credential_id: str, issuer: str
) -> bytes:
    """The printable rendition of a certificate (the signed credential is the proof)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(issued_at)
    pdf.set_title(_latin1(f"Certificat - {course}"))
    pdf.set_author("Plateforme de formation (sandbox)")
    pdf.add_page()
    pdf.set_draw_color(31, 95, 139)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(40)
    pdf.set_font("Helvetica", "B", 30)
    pdf.set_text_color(31, 95, 139)
    pdf.cell(0, 16, "Certificat de réussite", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 14)
    pdf.set_text_color(40, 40, 40)
    pdf.cell(0, 9, "décerné à", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 14, _latin1(learner), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(
        0, 9, "pour avoir suivi en entier la formation", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 11, _latin1(course), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 8, f"Le {issued_at:%d/%m/%Y}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(175)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(100, 100, 100)
    pdf.cell(
        0, 5, _latin1(f"Identifiant : {credential_id}"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.cell(
        0,
        5,
        _latin1(f"Émis et signé par {issuer} (Open Badges 3.0)"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _section(pdf: Any, heading: str) -> None:
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_text_color(30, 30, 30)
    pdf.cell(0, 8, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)


def _latin1(text: str) -> str:
    return text.translate(_LATIN1_FALLBACKS).encode("latin-1", "replace").decode("latin-1")
